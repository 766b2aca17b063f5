import type { NormalizedText, Token } from './normalize.ts';
import { createFeatureBuffer, reserve } from './social-features.ts';

export type SentimentLabel = 'negative' | 'neutral' | 'positive';

/** What a language brings: a base vocabulary and the social rules around it. Valences on AFINN's -5..5 scale. */
export interface LexiconSpec {
  lang: string;
  /** The starting vocabulary (natural's AFINN, Senticon or Pattern data, rescaled). */
  base: Readonly<Record<string, number>>;
  /** Applied over `base`; 0 makes a word neutral (and stops the stem fallback from finding it). */
  overrides?: Readonly<Record<string, number>>;
  /** Multi-word expressions, matched before single words ("never again", "not bad"). */
  phrases?: Readonly<Record<string, number>>;
  /** Words that flip the valence of what follows within the negation scope; words ending in n't always do. */
  negators: readonly string[];
  /** Boost (> 0) or damp (< 0) the next sentiment word: "very" 0.3, "a bit" -0.3. */
  intensifiers?: Readonly<Record<string, number>>;
  /** "but"-like markers: the text after the last one outweighs the text before. */
  contrast?: readonly string[];
  /** "although"-like markers: the clause they open is a concession and weighs less. */
  concessive?: readonly string[];
  /** Neutral words that turn negative under negation: "didn't arrive", "no signal". */
  negatedNegative?: readonly string[];
  /** Intensifiers that follow the word they modify ("slow af"). */
  postIntensifiers?: Readonly<Record<string, number>>;
  /** Interjections ("smh", "ugh", "lol"): negation never flips them. */
  interjections?: readonly string[];
  /** Candidate base forms of an inflected word, tried in order; replaces the stemmer fallback when given. */
  inflections?: (word: string) => readonly string[];
  /** Words that carry valence only after one of `after` ("like" after "I", not "it's like 3 hours"). */
  contextual?: Readonly<Record<string, { valence: number; after: readonly string[] }>>;
}

interface Phrase {
  words: readonly string[];
  valence: number;
}

export interface SentimentLexicon {
  readonly lang: string;
  readonly phrases: ReadonlyMap<string, readonly Phrase[]>;
  readonly negators: ReadonlySet<string>;
  readonly intensifiers: ReadonlyMap<string, number>;
  readonly postIntensifiers: ReadonlyMap<string, number>;
  readonly contrast: ReadonlySet<string>;
  readonly concessive: ReadonlySet<string>;
  readonly negatedNegative: ReadonlySet<string>;
  readonly interjections: ReadonlySet<string>;
  readonly contextual: ReadonlyMap<string, { valence: number; after: ReadonlySet<string> }>;
  /** Valence of one lower-case word (exact, then its stem), memoised; undefined when unknown. */
  valence(word: string): number | undefined;
  /** True when the word is in the vocabulary, exactly. */
  has(word: string): boolean;
}

export interface SentimentParams {
  /** Normalisation constant: score = sum / sqrt(sum² + alpha) (VADER uses 15). */
  alpha: number;
  /** |score| up to this is neutral. */
  neutralBand: number;
  /** Multiplier for a negated sentiment word ("not good"); VADER's 0.74, sign-flipped. */
  negationScalar: number;
  /** Content words a negator reaches, unless a clause boundary comes first. */
  negationScope: number;
  /** Valence of a negated expectation ("never arrived"). */
  negatedNegativeValence: number;
  /** Extra weight of a word in capitals inside a post that is not all capitals. */
  capsBoost: number;
  /** Extra weight of an elongated word ("sooo bad"). */
  elongationBoost: number;
  /** Added per `!` (at most 4) in the direction of the sum. */
  exclamationBoost: number;
  /** Weights before and after the last "but". */
  contrastBefore: number;
  contrastAfter: number;
  /** Weight of a concessive clause ("although the staff were nice"). */
  concessiveWeight: number;
  /** Weight of positive words in a clause that ends with "?" ("is the new plan any good?"). */
  questionPositiveWeight: number;
  /** Weight of the second and later copies of the same emoji in a row. */
  repeatedEmojiWeight: number;
}

export const DEFAULT_SENTIMENT_PARAMS: Readonly<SentimentParams> = Object.freeze({
  alpha: 15,
  neutralBand: 0.25,
  negationScalar: -0.74,
  negationScope: 3,
  negatedNegativeValence: -1.8,
  capsBoost: 0.3,
  elongationBoost: 0.2,
  exclamationBoost: 0.292,
  contrastBefore: 0.5,
  contrastAfter: 1.5,
  concessiveWeight: 0.5,
  questionPositiveWeight: 0.3,
  repeatedEmojiWeight: 0.5,
});

export interface SentimentResult {
  /** Polarity in [-1, 1]. */
  score: number;
  label: SentimentLabel;
  /** The raw sum of valences before normalisation. */
  sum: number;
  /** How many words, phrases, emoji and emoticons carried valence. */
  hits: number;
}

export interface SymbolValences {
  emoji: Readonly<Record<string, number>>;
  emoticons: Readonly<Record<string, number>>;
}

const CACHE_LIMIT = 50_000;
const DECAY = [1, 0.95, 0.9];

/** Builds the lookup structures for one language; `stem` enables natural's stem fallback (with a cache). */
export function buildLexicon(spec: LexiconSpec, stem?: (word: string) => string): SentimentLexicon {
  const words = new Map<string, number>();
  const phrases = new Map<string, Phrase[]>();
  const addPhrase = (key: string, valence: number) => {
    const parts = key.split(' ');
    const list = phrases.get(parts[0]!) ?? [];
    const existing = list.findIndex((p) => p.words.join(' ') === key);
    if (existing >= 0) list.splice(existing, 1);
    list.push({ words: parts, valence });
    list.sort((a, b) => b.words.length - a.words.length);
    phrases.set(parts[0]!, list);
  };
  for (const [w, v] of Object.entries(spec.base)) {
    if (w.includes(' ')) addPhrase(w, v);
    else words.set(w, v);
  }
  for (const [w, v] of Object.entries(spec.overrides ?? {})) words.set(w, v);
  for (const [p, v] of Object.entries(spec.phrases ?? {})) addPhrase(p, v);
  // Multi-word intensifiers ("kind of") modify; they are not phrases with a valence.
  for (const key of Object.keys(spec.intensifiers ?? {})) {
    if (!key.includes(' ')) continue;
    const first = key.split(' ')[0]!;
    const list = phrases.get(first)?.filter((p) => p.words.join(' ') !== key);
    if (list) phrases.set(first, list);
  }

  const stemmed = new Map<string, number>();
  if (stem && !spec.inflections) {
    for (const [w, v] of words) {
      const s = stem(w);
      if (s === w || !stemmed.has(s)) stemmed.set(s, v);
    }
  }

  const cache = new Map<string, number>();
  const valence = (word: string): number | undefined => {
    let v = cache.get(word);
    if (v === undefined) {
      v = words.get(word) ?? NaN;
      if (Number.isNaN(v) && word.endsWith("'s")) v = words.get(word.slice(0, -2)) ?? NaN;
      if (Number.isNaN(v) && word.length > 3 && !/\d/.test(word)) {
        if (spec.inflections) {
          // Undo inflections only ("crashes" → "crash", "using" → "use"); a stemmer would
          // also map "integration" to "integrity" and "using" to "useful".
          for (const base of spec.inflections(word)) {
            const b = words.get(base);
            if (b !== undefined) {
              v = b;
              break;
            }
          }
        } else if (stem) {
          const s = stem(word);
          if (s !== word) v = stemmed.get(s) ?? NaN;
        }
      }
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(word, v);
    }
    return Number.isNaN(v) ? undefined : v;
  };

  const contextual = new Map<string, { valence: number; after: ReadonlySet<string> }>();
  for (const [w, c] of Object.entries(spec.contextual ?? {})) {
    contextual.set(w, { valence: c.valence, after: new Set(c.after) });
  }

  return {
    lang: spec.lang,
    phrases,
    negators: new Set(spec.negators),
    intensifiers: new Map(Object.entries(spec.intensifiers ?? {})),
    postIntensifiers: new Map(Object.entries(spec.postIntensifiers ?? {})),
    contrast: new Set(spec.contrast ?? []),
    concessive: new Set(spec.concessive ?? []),
    negatedNegative: new Set(spec.negatedNegative ?? []),
    interjections: new Set(spec.interjections ?? []),
    contextual,
    valence,
    has: (word) => words.has(word),
  };
}

export function isNegator(lex: SentimentLexicon, word: string): boolean {
  return lex.negators.has(word) || word.endsWith("n't");
}

/**
 * Lexicon-based polarity tuned for social text. Walks the tokens once:
 * phrases before words, negation until a clause boundary or `negationScope`
 * content words, intensifiers up to three tokens back, capitals, elongation,
 * emoji and emoticons; then weighs "but"/"although" clauses, questions and
 * "!" emphasis, and squashes the sum into [-1, 1] like VADER's compound.
 */
export function scoreSentiment(
  norm: NormalizedText,
  lex: SentimentLexicon,
  symbols: SymbolValences,
  params: SentimentParams = DEFAULT_SENTIMENT_PARAMS,
): SentimentResult {
  const toks = norm.tokens;
  const n = toks.length;
  // How many hits HITS holds (the scratch buffer reused by every call).
  let hits = 0;
  let negLeft = 0;
  let lastContrast = -1;
  let concessive: [number, number][] | undefined;
  let prevEmoji = '';

  for (let i = 0; i < n; i++) {
    const t = toks[i]!;
    if (t.kind === 'boundary') {
      negLeft = 0;
      prevEmoji = '';
      continue;
    }
    if (t.kind === 'emoji' || t.kind === 'emoticon') {
      const v = t.kind === 'emoji' ? symbols.emoji[t.text] : symbols.emoticons[t.text];
      if (v !== undefined && v !== 0) {
        hits = addHit(hits, t.text === prevEmoji ? v * params.repeatedEmojiWeight : v, i);
      }
      prevEmoji = t.text;
      continue;
    }
    prevEmoji = '';
    const w = t.text;

    const phrase = matchPhrase(lex, toks, i);
    if (phrase) {
      if (phrase.valence !== 0) {
        let v = phrase.valence * modifierScale(lex, toks, i, params);
        if (negLeft > 0) v *= params.negationScalar;
        hits = addHit(hits, v, i);
      }
      negLeft = Math.max(0, negLeft - phrase.words.length);
      i += phrase.words.length - 1;
      continue;
    }

    if (isNegator(lex, w)) {
      const next = toks[i + 1];
      if (!next || next.kind === 'boundary') {
        // A negator with nothing to negate is an answer: "promised a call back. nothing".
        const own = lex.valence(w);
        if (own !== undefined && own !== 0) {
          hits = addHit(hits, own * modifierScale(lex, toks, i, params), i);
        }
        continue;
      }
      // "not only … but also" does not negate.
      if (next.text !== 'only' && next.text !== 'just') negLeft = params.negationScope;
      continue;
    }
    if (lex.contrast.has(w)) {
      negLeft = 0;
      lastContrast = i;
      continue;
    }
    if (lex.concessive.has(w)) {
      negLeft = 0;
      const end = clauseEnd(toks, i);
      if (end === i + 1) {
        // Trailing "though": the clause it ends is the point, like a "but" at its start.
        lastContrast = Math.max(lastContrast, clauseStart(toks, i));
      } else {
        (concessive ??= []).push([i, end]);
      }
      continue;
    }
    const boost = lex.intensifiers.get(w);
    if (boost !== undefined && nextWordHasValence(lex, toks, i)) continue;

    let v: number | undefined;
    const ctx = lex.contextual.get(w);
    if (ctx) {
      const prev = i > 0 ? toks[i - 1]! : undefined;
      v =
        prev && prev.kind === 'word' && (ctx.after.has(prev.text) || isNegator(lex, prev.text))
          ? ctx.valence
          : 0;
    } else {
      v = lex.valence(w) ?? ratingValence(w);
    }
    if (v === undefined || v === 0) {
      if (negLeft > 0 && lex.negatedNegative.has(w)) {
        hits = addHit(
          hits,
          params.negatedNegativeValence * (t.shouted ? 1 + params.capsBoost : 1),
          i,
        );
        negLeft = 0;
      } else if (negLeft > 0) {
        negLeft--;
      }
      continue;
    }
    v *= modifierScale(lex, toks, i, params);
    if (negLeft > 0) {
      if (!lex.interjections.has(w)) v *= params.negationScalar;
      negLeft--;
    }
    hits = addHit(hits, v, i);
  }

  if (hits === 0) return { score: 0, label: 'neutral', sum: 0, hits: 0 };

  let sum = 0;
  let questionEnds: Int8Array | undefined;
  for (let k = 0; k < hits; k++) {
    let v = HITS.val[k]!;
    const p = HITS.idx[k]!;
    if (lastContrast >= 0) v *= p < lastContrast ? params.contrastBefore : params.contrastAfter;
    if (concessive) {
      for (const [s, e] of concessive) if (p > s && p < e) v *= params.concessiveWeight;
    }
    if (v > 0 && norm.questions > 0) {
      questionEnds ??= questionClauses(toks);
      if (questionEnds[p] === 1) v *= params.questionPositiveWeight;
    }
    sum += v;
  }
  if (sum !== 0 && norm.exclamations > 0) {
    sum += Math.sign(sum) * Math.min(norm.exclamations, 4) * params.exclamationBoost;
  }
  const score = Math.max(-1, Math.min(1, sum / Math.sqrt(sum * sum + params.alpha)));
  const label: SentimentLabel =
    score > params.neutralBand ? 'positive' : score < -params.neutralBand ? 'negative' : 'neutral';
  return { score, label, sum, hits };
}

/** The hits of a call: valences in `val`, token positions in `idx` (reused by every call). */
const HITS = createFeatureBuffer(64);

/** Records hit number `n` (valence `v` at token `i`), growing the buffer; returns n + 1. */
function addHit(n: number, v: number, i: number): number {
  HITS.n = n;
  reserve(HITS, 1);
  HITS.val[n] = v;
  HITS.idx[n] = i;
  return n + 1;
}

function matchPhrase(lex: SentimentLexicon, toks: readonly Token[], i: number): Phrase | undefined {
  const candidates = lex.phrases.get(toks[i]!.text);
  if (!candidates) return undefined;
  outer: for (const p of candidates) {
    if (i + p.words.length > toks.length) continue;
    for (let k = 1; k < p.words.length; k++) {
      const t = toks[i + k]!;
      if (t.kind !== 'word' || t.text !== p.words[k]) continue outer;
    }
    return p;
  }
  return undefined;
}

/** Intensifiers up to three tokens back (within the clause), capitals and elongation, as one multiplier. */
function modifierScale(
  lex: SentimentLexicon,
  toks: readonly Token[],
  i: number,
  params: SentimentParams,
): number {
  let scalar = 0;
  for (let k = 1; k <= 3 && i - k >= 0; k++) {
    const t = toks[i - k]!;
    if (t.kind !== 'word') break;
    let b = lex.intensifiers.get(t.text);
    if (b === undefined && i - k - 1 >= 0 && toks[i - k - 1]!.kind === 'word') {
      b = lex.intensifiers.get(`${toks[i - k - 1]!.text} ${t.text}`);
    }
    if (b !== undefined) {
      if (t.shouted || t.elongated) b *= 1.5;
      scalar += b * DECAY[k - 1]!;
    }
  }
  const next = toks[i + 1];
  if (next && next.kind === 'word') scalar += lex.postIntensifiers.get(next.text) ?? 0;
  const t = toks[i]!;
  let scale = 1 + scalar;
  if (t.shouted) scale *= 1 + params.capsBoost;
  if (t.elongated) scale *= 1 + params.elongationBoost;
  return Math.max(0.2, scale);
}

function nextWordHasValence(lex: SentimentLexicon, toks: readonly Token[], i: number): boolean {
  for (let k = i + 1; k < toks.length && k <= i + 2; k++) {
    const t = toks[k]!;
    if (t.kind !== 'word') return false;
    if (lex.intensifiers.has(t.text)) continue;
    const v = lex.valence(t.text);
    return v !== undefined && v !== 0;
  }
  return false;
}

function clauseEnd(toks: readonly Token[], i: number): number {
  let k = i + 1;
  while (k < toks.length && toks[k]!.kind !== 'boundary') k++;
  return k;
}

function clauseStart(toks: readonly Token[], i: number): number {
  let k = i;
  while (k > 0 && toks[k - 1]!.kind !== 'boundary') k--;
  return k;
}

/** 1 for every token whose clause ends in "?". */
function questionClauses(toks: readonly Token[]): Int8Array {
  const out = new Int8Array(toks.length);
  let inQuestion = 0;
  for (let k = toks.length - 1; k >= 0; k--) {
    const t = toks[k]!;
    if (t.kind === 'boundary') inQuestion = t.text === '?' ? 1 : 0;
    out[k] = inQuestion;
  }
  return out;
}

const RATING = /^(\d+(?:\.\d)?)\/(10|5)$/;

/** "9/10" and "1/5" as valence: the top third is praise, the bottom third a pan. */
function ratingValence(word: string): number | undefined {
  const m = RATING.exec(word);
  if (!m) return undefined;
  const r = Number(m[1]) / Number(m[2]);
  if (r > 1) return undefined;
  return r >= 0.7 ? 2.5 : r <= 0.4 ? -2.5 : 0;
}
