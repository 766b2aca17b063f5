import { INTENT_LABELS, type IntentLabel } from './intent-rules.ts';
import type { NormalizedText } from './normalize.ts';
import { mulberry32 } from './seeded-random.ts';

/** A multinomial logistic regression over sparse binary features, as loaded at start. */
export interface IntentModel {
  name: string;
  version: number;
  labels: readonly IntentLabel[];
  bias: readonly number[];
  weights: ReadonlyMap<string, Float64Array>;
  /** Softmax temperature fitted on held-out training data (> 1 softens overconfident scores). */
  temperature: number;
}

/** The JSON on disk (`models/intent-v<version>.json`). */
export interface IntentModelFile {
  format: 'hark-intent-logreg';
  name: string;
  version: number;
  labels: IntentLabel[];
  temperature: number;
  bias: number[];
  weights: Record<string, number[]>;
  training: {
    examples: number;
    features: number;
    dataSha256: string;
    heldOutAccuracy: number;
    heldOutMacroF1: number;
    params: TrainParams;
  };
}

export interface LabeledFeatures {
  features: readonly string[];
  label: IntentLabel;
}

export interface TrainParams {
  epochs: number;
  learningRate: number;
  l2: number;
  minCount: number;
  seed: number;
}

export const DEFAULT_TRAIN_PARAMS: Readonly<TrainParams> = Object.freeze({
  epochs: 30,
  learningRate: 0.3,
  l2: 1e-4,
  minCount: 2,
  seed: 7,
});

export interface FeatureDeps {
  stem: (word: string) => string;
  isNegator: (word: string) => boolean;
}

/**
 * Visits the sparse features of one post: stemmed words (marked when
 * negated), word bigrams within a clause, the first word, "?" and "!", emoji
 * and the sentiment band, so the classifier can tell a complaint from praise
 * with the same nouns. A feature may be visited more than once.
 */
export function visitIntentFeatures(
  norm: NormalizedText,
  sentiment: number,
  deps: FeatureDeps,
  visit: (feature: string) => void,
): void {
  let prev = '';
  let negated = 0;
  let first = true;
  for (const t of norm.tokens) {
    if (t.kind === 'boundary') {
      prev = '';
      negated = 0;
      continue;
    }
    if (t.kind !== 'word') {
      visit(t.kind === 'emoji' ? `e:${t.text}` : 'e:emoticon');
      prev = '';
      continue;
    }
    const w = t.text;
    if (first) {
      visit(`f:${w}`);
      first = false;
    }
    if (isNumber(w)) {
      visit('w:<num>');
      prev = '<num>';
      continue;
    }
    visit(`${negated > 0 ? 'n:' : 'w:'}${deps.stem(w)}`);
    if (prev) visit(`b:${prev} ${w}`);
    if (deps.isNegator(w)) negated = 3;
    else if (negated > 0) negated--;
    prev = w;
  }
  if (norm.questions > 0) visit('p:?');
  if (norm.exclamations > 0) visit('p:!');
  if (norm.tokens[norm.tokens.length - 1]?.text === '?') visit('p:?end');
  visit(sentimentBand(sentiment));
}

/** The distinct features of one post, for training. */
export function intentFeatures(
  norm: NormalizedText,
  sentiment: number,
  deps: FeatureDeps,
): string[] {
  const out = new Set<string>();
  visitIntentFeatures(norm, sentiment, deps, (f) => out.add(f));
  return [...out];
}

interface Entry {
  w: Float64Array;
  id: number;
}

/** What scoring reads for one word, looked up once per token. */
interface WordRecord {
  /** `w:<stem>` and `n:<stem>` (negated), or null when the model has no weight for them. */
  plain: Entry | null;
  negated: Entry | null;
  /** `f:<word>`: the post's first word. */
  first: Entry | null;
  /** The `b:<word> <next>` entries, by next word. */
  next: Map<string, Entry> | undefined;
  number: boolean;
  negator: boolean;
}

interface IndexedWeights {
  all: Map<string, Entry>;
  bigram: Map<string, Map<string, Entry>>;
  /** Memoised per word for `deps` (bounded: cleared when full). */
  words: Map<string, WordRecord>;
  deps: FeatureDeps | undefined;
  /** Per-call "already added" marks: stamp[id] === generation. */
  stamp: Uint32Array;
  generation: number;
  logits: Float64Array;
}

const INDEX_CACHE_LIMIT = 50_000;
const indexes = new WeakMap<IntentModel, IndexedWeights>();

function indexOf(model: IntentModel): IndexedWeights {
  let ix = indexes.get(model);
  if (!ix) {
    const all = new Map<string, Entry>();
    const bigram = new Map<string, Map<string, Entry>>();
    for (const [f, w] of model.weights) {
      const e = { w, id: all.size };
      all.set(f, e);
      if (!f.startsWith('b:')) continue;
      const space = f.indexOf(' ');
      const first = f.slice(2, space);
      let m = bigram.get(first);
      if (!m) bigram.set(first, (m = new Map()));
      m.set(f.slice(space + 1), e);
    }
    ix = {
      all,
      bigram,
      words: new Map(),
      deps: undefined,
      stamp: new Uint32Array(all.size),
      generation: 0,
      logits: new Float64Array(model.labels.length),
    };
    indexes.set(model, ix);
  }
  return ix;
}

function wordRecord(ix: IndexedWeights, word: string, deps: FeatureDeps): WordRecord {
  let r = ix.words.get(word);
  if (r === undefined) {
    const number = isNumber(word);
    const stem = number ? '' : deps.stem(word);
    r = {
      plain: number ? null : (ix.all.get('w:' + stem) ?? null),
      negated: number ? null : (ix.all.get('n:' + stem) ?? null),
      first: ix.all.get('f:' + word) ?? null,
      next: ix.bigram.get(word),
      number,
      negator: !number && deps.isNegator(word),
    };
    if (ix.words.size >= INDEX_CACHE_LIMIT) ix.words.clear();
    ix.words.set(word, r);
  }
  return r;
}

/**
 * Class probabilities for a post straight from its tokens: the scoring hot
 * path. Same features as `visitIntentFeatures` (a unit test holds them
 * equal), read from one memoised record per word instead of building feature
 * strings, and de-duplicated with generation stamps instead of a set.
 */
export function predictIntentForText(
  model: IntentModel,
  norm: NormalizedText,
  sentiment: number,
  deps: FeatureDeps,
): number[] {
  const ix = indexOf(model);
  if (ix.deps !== deps) {
    ix.words.clear();
    ix.deps = deps;
  }
  const k = model.labels.length;
  const logits = ix.logits;
  for (let c = 0; c < k; c++) logits[c] = model.bias[c]!;
  // A new generation per call; wrap-around just clears the stamps.
  if (++ix.generation === 0xffffffff) {
    ix.stamp.fill(0);
    ix.generation = 1;
  }
  // The bigrams of the previous word (`<num>` after a number); none at a clause start.
  let hasPrev = false;
  let prevNext: Map<string, Entry> | undefined;
  let negated = 0;
  let first = true;
  for (const t of norm.tokens) {
    if (t.kind === 'boundary') {
      hasPrev = false;
      negated = 0;
      continue;
    }
    if (t.kind !== 'word') {
      addWeights(logits, ix, k, ix.all.get(t.kind === 'emoji' ? `e:${t.text}` : 'e:emoticon'));
      hasPrev = false;
      continue;
    }
    const w = t.text;
    const r = wordRecord(ix, w, deps);
    if (first) {
      addWeights(logits, ix, k, r.first);
      first = false;
    }
    if (r.number) {
      addWeights(logits, ix, k, ix.all.get('w:<num>'));
      hasPrev = true;
      prevNext = ix.bigram.get('<num>');
      continue;
    }
    addWeights(logits, ix, k, negated > 0 ? r.negated : r.plain);
    if (hasPrev) addWeights(logits, ix, k, prevNext?.get(w));
    if (r.negator) negated = 3;
    else if (negated > 0) negated--;
    hasPrev = true;
    prevNext = r.next;
  }
  if (norm.questions > 0) addWeights(logits, ix, k, ix.all.get('p:?'));
  if (norm.exclamations > 0) addWeights(logits, ix, k, ix.all.get('p:!'));
  if (norm.tokens[norm.tokens.length - 1]?.text === '?')
    addWeights(logits, ix, k, ix.all.get('p:?end'));
  addWeights(logits, ix, k, ix.all.get(sentimentBand(sentiment)));
  return softmax(logits, model.temperature, k);
}

function addWeights(
  logits: Float64Array,
  ix: IndexedWeights,
  k: number,
  e: Entry | null | undefined,
): void {
  if (!e || ix.stamp[e.id] === ix.generation) return;
  ix.stamp[e.id] = ix.generation;
  const w = e.w;
  for (let c = 0; c < k; c++) logits[c]! += w[c]!;
}

function isNumber(w: string): boolean {
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return w.length > 0;
}

function sentimentBand(sentiment: number): string {
  return sentiment <= -0.5
    ? 's:neg2'
    : sentiment <= -0.05
      ? 's:neg1'
      : sentiment < 0.05
        ? 's:neu'
        : sentiment < 0.5
          ? 's:pos1'
          : 's:pos2';
}

/** Class probabilities, in `model.labels` order. */
export function predictIntent(model: IntentModel, features: readonly string[]): number[] {
  const k = model.labels.length;
  const logits = model.bias.slice();
  for (const f of features) {
    const w = model.weights.get(f);
    if (w) for (let c = 0; c < k; c++) logits[c]! += w[c]!;
  }
  return softmax(logits, model.temperature);
}

/** Class probabilities from the first `k` logits (all of them by default). */
export function softmax(
  logits: ArrayLike<number>,
  temperature = 1,
  k: number = logits.length,
): number[] {
  let max = -Infinity;
  for (let c = 0; c < k; c++) if (logits[c]! > max) max = logits[c]!;
  let sum = 0;
  const out = new Array<number>(k);
  for (let c = 0; c < k; c++) {
    const e = Math.exp((logits[c]! - max) / temperature);
    sum += e;
    out[c] = e;
  }
  for (let c = 0; c < k; c++) out[c]! /= sum;
  return out;
}

/**
 * Trains softmax regression with AdaGrad SGD and L2, deterministically
 * (seeded shuffles). Features seen fewer than `minCount` times are dropped.
 */
export function trainIntentModel(
  examples: readonly LabeledFeatures[],
  params: TrainParams = DEFAULT_TRAIN_PARAMS,
  meta: { name: string; version: number } = { name: 'hark-intent', version: 1 },
): IntentModel {
  const labels = [...INTENT_LABELS];
  const k = labels.length;
  const counts = new Map<string, number>();
  for (const ex of examples) for (const f of ex.features) counts.set(f, (counts.get(f) ?? 0) + 1);
  const index = new Map<string, number>();
  for (const [f, c] of [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (c >= params.minCount) index.set(f, index.size);
  }
  const rows = examples.map((ex) => ({
    x: [...new Set(ex.features)]
      .map((f) => index.get(f))
      .filter((i): i is number => i !== undefined),
    y: labels.indexOf(ex.label),
  }));
  const W = new Float64Array(index.size * k);
  const G = new Float64Array(index.size * k).fill(1e-8);
  const b = new Float64Array(k);
  const Gb = new Float64Array(k).fill(1e-8);
  const rand = mulberry32(params.seed);
  const order = rows.map((_, i) => i);
  const logits = new Array<number>(k);

  for (let epoch = 0; epoch < params.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const r of order) {
      const { x, y } = rows[r]!;
      for (let c = 0; c < k; c++) {
        let l = b[c]!;
        for (const f of x) l += W[f * k + c]!;
        logits[c] = l;
      }
      const p = softmax(logits);
      for (let c = 0; c < k; c++) {
        const g = p[c]! - (c === y ? 1 : 0);
        Gb[c]! += g * g;
        b[c]! -= (params.learningRate * g) / Math.sqrt(Gb[c]!);
        for (const f of x) {
          const idx = f * k + c;
          const gw = g + params.l2 * W[idx]!;
          G[idx]! += gw * gw;
          W[idx]! -= (params.learningRate * gw) / Math.sqrt(G[idx]!);
        }
      }
    }
  }

  const weights = new Map<string, Float64Array>();
  for (const [f, i] of index) {
    const w = W.slice(i * k, i * k + k);
    if (w.some((v) => Math.abs(v) >= 1e-3)) weights.set(f, w);
  }
  return { ...meta, labels, bias: [...b], weights, temperature: 1 };
}

/**
 * The temperature in [1, 4] that minimises log-loss on held-out examples.
 * Never below 1: held-out TRAINING data is easier than real posts, so it may
 * soften the probabilities but never sharpen them.
 */
export function fitTemperature(model: IntentModel, heldOut: readonly LabeledFeatures[]): number {
  let best = 1;
  let bestLoss = Infinity;
  for (let t = 1; t <= 4.0001; t += 0.05) {
    const m = { ...model, temperature: t };
    let loss = 0;
    for (const ex of heldOut) {
      const p = predictIntent(m, ex.features)[m.labels.indexOf(ex.label)]!;
      loss -= Math.log(Math.max(p, 1e-12));
    }
    if (loss < bestLoss) {
      bestLoss = loss;
      best = Math.round(t * 100) / 100;
    }
  }
  return best;
}

export function toModelFile(
  model: IntentModel,
  training: IntentModelFile['training'],
): IntentModelFile {
  const round = (v: number) => Math.round(v * 1e4) / 1e4;
  const weights: Record<string, number[]> = {};
  for (const f of [...model.weights.keys()].sort())
    weights[f] = [...model.weights.get(f)!].map(round);
  return {
    format: 'hark-intent-logreg',
    name: model.name,
    version: model.version,
    labels: [...model.labels],
    temperature: model.temperature,
    bias: model.bias.map(round),
    weights,
    training,
  };
}

/** Validates a parsed model file; throws an Error naming the first problem. */
export function fromModelFile(doc: unknown): IntentModel {
  const d = doc as Partial<IntentModelFile> | null;
  if (!d || typeof d !== 'object') throw new Error('model file is not a JSON object');
  if (d.format !== 'hark-intent-logreg')
    throw new Error(`unsupported model format ${JSON.stringify(d.format)}`);
  if (typeof d.name !== 'string' || !Number.isInteger(d.version))
    throw new Error('name and integer version are required');
  const labels = d.labels;
  if (
    !Array.isArray(labels) ||
    labels.length !== INTENT_LABELS.length ||
    !INTENT_LABELS.every((l) => labels.includes(l))
  ) {
    throw new Error(`labels must be exactly ${INTENT_LABELS.join(', ')}`);
  }
  if (!Array.isArray(d.bias) || d.bias.length !== labels.length || !d.bias.every(Number.isFinite)) {
    throw new Error('bias must have one finite number per label');
  }
  if (typeof d.temperature !== 'number' || !(d.temperature > 0))
    throw new Error('temperature must be > 0');
  if (!d.weights || typeof d.weights !== 'object') throw new Error('weights are missing');
  const weights = new Map<string, Float64Array>();
  for (const [f, w] of Object.entries(d.weights)) {
    if (!Array.isArray(w) || w.length !== labels.length || !w.every(Number.isFinite)) {
      throw new Error(
        `weights for feature ${JSON.stringify(f)} must have one finite number per label`,
      );
    }
    weights.set(f, Float64Array.from(w));
  }
  return {
    name: d.name,
    version: d.version!,
    labels,
    bias: d.bias,
    weights,
    temperature: d.temperature,
  };
}
