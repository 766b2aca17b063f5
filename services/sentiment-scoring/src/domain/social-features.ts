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

/** Sparse hashed features of one post: bucket indices and their values, reused between calls. */
export interface FeatureBuffer {
  idx: number[];
  val: number[];
}

// The few dense feature names, hashed once.
const DENSE_HASHES = new Map<string, number>();

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

/** Pushes the "^word$" 4-grams of `w`, hashed without building substrings. */
function pushCharGrams(w: string, mask: number, idx: number[], val: number[]): void {
  const padded = w.length + 2;
  for (let s = 0; s + 4 <= padded; s++) {
    let h = SEED_CHAR;
    for (let k = s; k < s + 4; k++) {
      const c = k === 0 ? 94 : k === padded - 1 ? 36 : w.charCodeAt(k - 1);
      h ^= c;
      h = Math.imul(h, FNV_PRIME);
    }
    idx.push((h >>> 0) & mask);
    val.push(0.5);
  }
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
  const idx = out.idx;
  const val = out.val;
  idx.length = 0;
  val.length = 0;
  let prev = 0;
  let negated = 0;
  let words = 0;
  for (const t of norm.tokens) {
    if (t.kind === 'boundary') {
      prev = 0;
      negated = 0;
      continue;
    }
    if (t.kind !== 'word') {
      const h = hashString(t.kind === 'emoji' ? t.text : 'emoticon:' + t.text, SEED_SYMBOL);
      idx.push(h & mask);
      val.push(1);
      prev = h;
      continue;
    }
    words++;
    const w = t.text;
    // Hashed afresh for every word: a memo was measured slower on real tweets' vocabulary.
    const hw = hashString(w, SEED_WORD);
    idx.push((negated > 0 ? hashString(w, SEED_NEG) : hw) & mask);
    val.push(1);
    if (prev !== 0) {
      idx.push(hashString(w, (prev ^ SEED_BIGRAM) >>> 0) & mask);
      val.push(1);
    }
    prev = hw;
    if (w.length >= 5) pushCharGrams(w, mask, idx, val);
    if (NEGATORS.has(w)) negated = 3;
    else if (negated > 0) negated--;
  }
  const scale = 1 / Math.sqrt(Math.max(1, words));
  for (let i = 0; i < val.length; i++) val[i]! *= scale;

  const dense = (name: string, v: number) => {
    if (v === 0) return;
    let h = DENSE_HASHES.get(name);
    if (h === undefined) DENSE_HASHES.set(name, (h = hashString(name)));
    idx.push(h & mask);
    val.push(v);
  };
  dense('d:bias', 1);
  dense('d:lex', lex.score);
  dense('d:lex+', lex.score > 0.25 ? 1 : 0);
  dense('d:lex-', lex.score < -0.25 ? 1 : 0);
  dense('d:lex0', lex.score === 0 ? 1 : 0);
  dense('d:sum', Math.max(-3, Math.min(3, lex.sum / 4)));
  if (lex.strongIntent) dense('d:rule:' + lex.strongIntent, 1);
  dense('d:fail', cues.failure);
  dense('d:fail1', cues.failure > 0 ? 1 : 0);
  dense('d:polite', cues.polite ? 1 : 0);
  dense('d:polite+fail', cues.polite && cues.failure > 0 ? 1 : 0);
  dense('d:sarcasm', cues.sarcasm ? 1 : 0);
  dense('d:plea', cues.plea ? 1 : 0);
  dense('d:plea+fail', cues.plea && cues.failure > 0 ? 1 : 0);
  dense('d:fail+lexpos', cues.failure > 0 && lex.score > 0 ? 1 : 0);
  dense('d:q', norm.questions > 0 ? 1 : 0);
  dense('d:!', Math.min(3, norm.exclamations) / 3);
  return out;
}
