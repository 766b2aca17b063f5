import type { NormalizedText } from './normalize.ts';
import type { ServiceCues } from './service-cues.ts';

/** What the lexicon scorer said about a post, fed to the learned model as features. */
export interface LexiconEvidence {
  /** Lexicon polarity in [-1, 1]. */
  score: number;
  /** Raw valence sum before squashing. */
  sum: number;
  /** Label of the strong intent rule that fired, if any (`complaint`, `churn_risk`, …). */
  strongIntent?: string;
}

/**
 * Sparse hashed features of one post: the first `n` bucket indices and their values.
 * Reused between calls (typed arrays, grown when a post needs more), so extracting
 * allocates nothing: clearing a plain array (`length = 0`) dropped its storage, which
 * was regrown on every post (1.4 KB of garbage a mention).
 */
export interface FeatureBuffer {
  idx: Int32Array;
  val: Float64Array;
  n: number;
}

export function createFeatureBuffer(capacity = 256): FeatureBuffer {
  return { idx: new Int32Array(capacity), val: new Float64Array(capacity), n: 0 };
}

/** Makes room for `more` entries after the first `n` (keeping those). */
export function reserve(out: FeatureBuffer, more: number): void {
  if (out.n + more <= out.idx.length) return;
  const capacity = Math.max(out.n + more, out.idx.length * 2);
  const idx = new Int32Array(capacity);
  const val = new Float64Array(capacity);
  idx.set(out.idx.subarray(0, out.n));
  val.set(out.val.subarray(0, out.n));
  out.idx = idx;
  out.val = val;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over a string, continuing from `h` so prefixes and pairs need no concatenation. */
export function hashString(s: string, h: number = FNV_OFFSET): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

const SEED_WORD = hashString('w:');
const SEED_NEG = hashString('n:');
const SEED_BIGRAM = hashString('b:');
const SEED_CHAR = hashString('c:');
const SEED_SYMBOL = hashString('e:');

// The dense features' names, hashed once at load rather than looked up per post.
const H_BIAS = hashString('d:bias');
const H_LEX = hashString('d:lex');
const H_LEX_POS = hashString('d:lex+');
const H_LEX_NEG = hashString('d:lex-');
const H_LEX_ZERO = hashString('d:lex0');
const H_SUM = hashString('d:sum');
const H_FAIL = hashString('d:fail');
const H_FAIL1 = hashString('d:fail1');
const H_POLITE = hashString('d:polite');
const H_POLITE_FAIL = hashString('d:polite+fail');
const H_SARCASM = hashString('d:sarcasm');
const H_PLEA = hashString('d:plea');
const H_PLEA_FAIL = hashString('d:plea+fail');
const H_FAIL_LEXPOS = hashString('d:fail+lexpos');
const H_Q = hashString('d:q');
const H_EXCL = hashString('d:!');
const RULE_HASHES = new Map<string, number>();

function ruleHash(label: string): number {
  let h = RULE_HASHES.get(label);
  if (h === undefined) RULE_HASHES.set(label, (h = hashString('d:rule:' + label)));
  return h;
}

/** A dense feature is pushed only when non-zero (a zero adds nothing to the logits). */
function pushDense(out: FeatureBuffer, mask: number, h: number, v: number): void {
  if (v === 0) return;
  out.idx[out.n] = h & mask;
  out.val[out.n++] = v;
}

const NEGATORS = new Set([
  'not',
  'no',
  'never',
  "don't",
  'dont',
  "can't",
  'cant',
  'cannot',
  "won't",
  'wont',
  "isn't",
  'isnt',
  "didn't",
  'didnt',
  "doesn't",
  'doesnt',
  "wasn't",
  "aren't",
  "haven't",
  "hasn't",
  "couldn't",
  "wouldn't",
  "shouldn't",
  'nothing',
  'nobody',
  'without',
]);

/** Pushes the "^word$" 4-grams of `w` from `n` on, hashed without building substrings; returns the new count. */
function pushCharGrams(
  w: string,
  mask: number,
  idx: Int32Array,
  val: Float64Array,
  n: number,
): number {
  const padded = w.length + 2;
  for (let s = 0; s + 4 <= padded; s++) {
    let h = SEED_CHAR;
    for (let k = s; k < s + 4; k++) {
      const c = k === 0 ? 94 : k === padded - 1 ? 36 : w.charCodeAt(k - 1);
      h ^= c;
      h = Math.imul(h, FNV_PRIME);
    }
    idx[n] = (h >>> 0) & mask;
    val[n++] = 0.5;
  }
  return n;
}

/**
 * Visits the hashed features of one post into `out` (cleared first): words
 * (marked when negated), word bigrams within a clause, character 4-grams of
 * longer words (misspellings and inflections), emoji and emoticons, "!" and
 * "?", the lexicon's verdict in bands, and the service cues. Values are
 * scaled by 1/√(word count) so long posts do not dominate the logits.
 */
export function extractSocialFeatures(
  norm: NormalizedText,
  lex: LexiconEvidence,
  cues: ServiceCues,
  mask: number,
  out: FeatureBuffer,
): FeatureBuffer {
  out.n = 0;
  let idx = out.idx;
  let val = out.val;
  let n = 0;
  let prev = 0;
  let negated = 0;
  let words = 0;
  for (const t of norm.tokens) {
    if (t.kind === 'boundary') {
      prev = 0;
      negated = 0;
      continue;
    }
    // At most a word, its bigram and its 4-grams (length - 1).
    if (n + t.text.length + 2 > idx.length) {
      out.n = n;
      reserve(out, t.text.length + 2);
      idx = out.idx;
      val = out.val;
    }
    if (t.kind !== 'word') {
      const h = hashString(t.kind === 'emoji' ? t.text : 'emoticon:' + t.text, SEED_SYMBOL);
      idx[n] = h & mask;
      val[n++] = 1;
      prev = h;
      continue;
    }
    words++;
    const w = t.text;
    // Hashed afresh for every word: a memo was measured slower on real tweets' vocabulary.
    // The word, its negated form and the bigram with the previous token in one pass over its
    // characters (the same FNV-1a values as hashString from each seed).
    let hw = SEED_WORD;
    let hn = SEED_NEG;
    let hb = (prev ^ SEED_BIGRAM) >>> 0;
    for (let i = 0; i < w.length; i++) {
      const c = w.charCodeAt(i);
      hw = Math.imul(hw ^ c, FNV_PRIME);
      hn = Math.imul(hn ^ c, FNV_PRIME);
      hb = Math.imul(hb ^ c, FNV_PRIME);
    }
    hw >>>= 0;
    idx[n] = (negated > 0 ? hn >>> 0 : hw) & mask;
    val[n++] = 1;
    if (prev !== 0) {
      idx[n] = (hb >>> 0) & mask;
      val[n++] = 1;
    }
    prev = hw;
    if (w.length >= 5) n = pushCharGrams(w, mask, idx, val, n);
    if (NEGATORS.has(w)) negated = 3;
    else if (negated > 0) negated--;
  }
  const scale = 1 / Math.sqrt(Math.max(1, words));
  for (let i = 0; i < n; i++) val[i]! *= scale;

  out.n = n;
  reserve(out, 20);
  pushDense(out, mask, H_BIAS, 1);
  pushDense(out, mask, H_LEX, lex.score);
  pushDense(out, mask, H_LEX_POS, lex.score > 0.25 ? 1 : 0);
  pushDense(out, mask, H_LEX_NEG, lex.score < -0.25 ? 1 : 0);
  pushDense(out, mask, H_LEX_ZERO, lex.score === 0 ? 1 : 0);
  pushDense(out, mask, H_SUM, Math.max(-3, Math.min(3, lex.sum / 4)));
  if (lex.strongIntent) pushDense(out, mask, ruleHash(lex.strongIntent), 1);
  pushDense(out, mask, H_FAIL, cues.failure);
  pushDense(out, mask, H_FAIL1, cues.failure > 0 ? 1 : 0);
  pushDense(out, mask, H_POLITE, cues.polite ? 1 : 0);
  pushDense(out, mask, H_POLITE_FAIL, cues.polite && cues.failure > 0 ? 1 : 0);
  pushDense(out, mask, H_SARCASM, cues.sarcasm ? 1 : 0);
  pushDense(out, mask, H_PLEA, cues.plea ? 1 : 0);
  pushDense(out, mask, H_PLEA_FAIL, cues.plea && cues.failure > 0 ? 1 : 0);
  pushDense(out, mask, H_FAIL_LEXPOS, cues.failure > 0 && lex.score > 0 ? 1 : 0);
  pushDense(out, mask, H_Q, norm.questions > 0 ? 1 : 0);
  pushDense(out, mask, H_EXCL, Math.min(3, norm.exclamations) / 3);
  return out;
}
