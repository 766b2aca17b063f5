import { beforeAll, describe, expect, it } from 'vitest';
import { loadEvalSet } from '../../bench/lib/datasets.ts';
import type { ScoringModel } from '../../src/domain/model.ts';
import { normalizeText, type NormalizedText } from '../../src/domain/normalize.ts';
import { detectServiceCues, type ServiceCues } from '../../src/domain/service-cues.ts';
import {
  createFeatureBuffer,
  extractSocialFeatures,
  hashString,
  type LexiconEvidence,
} from '../../src/domain/social-features.ts';
import { testModel } from './model.ts';

// The feature extraction as first written (hark-social-en@2 was trained on it): one
// hashString per feature, dense names hashed by name. The optimised code must give
// the same buckets and values in the same order, or the model's weights read wrong.
const NEGATORS = new Set(
  "not no never don't dont can't cant cannot won't wont isn't isnt didn't didnt doesn't doesnt wasn't aren't haven't hasn't couldn't wouldn't shouldn't nothing nobody without".split(
    ' ',
  ),
);

function referenceFeatures(
  norm: NormalizedText,
  lex: LexiconEvidence,
  cues: ServiceCues,
  mask: number,
): { idx: number[]; val: number[] } {
  const idx: number[] = [];
  const val: number[] = [];
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
      const h = hashString(t.kind === 'emoji' ? t.text : 'emoticon:' + t.text, hashString('e:'));
      idx.push(h & mask);
      val.push(1);
      prev = h;
      continue;
    }
    words++;
    const w = t.text;
    const hw = hashString(w, hashString('w:'));
    idx.push((negated > 0 ? hashString(w, hashString('n:')) : hw) & mask);
    val.push(1);
    if (prev !== 0) {
      idx.push(hashString(w, (prev ^ hashString('b:')) >>> 0) & mask);
      val.push(1);
    }
    prev = hw;
    if (w.length >= 5) {
      const padded = `^${w}$`;
      for (let s = 0; s + 4 <= padded.length; s++) {
        idx.push(hashString(padded.slice(s, s + 4), hashString('c:')) & mask);
        val.push(0.5);
      }
    }
    if (NEGATORS.has(w)) negated = 3;
    else if (negated > 0) negated--;
  }
  const scale = 1 / Math.sqrt(Math.max(1, words));
  for (let i = 0; i < val.length; i++) val[i]! *= scale;
  const dense = (name: string, v: number) => {
    if (v === 0) return;
    idx.push(hashString(name) & mask);
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
  return { idx, val };
}

let model: ScoringModel;
beforeAll(async () => {
  model = await testModel();
});

const MASK = (1 << 17) - 1;

describe('extractSocialFeatures', () => {
  it('gives the reference buckets and values, in order, on every post of the evaluation set', () => {
    const texts = [
      ...loadEvalSet().map((p) => p.text),
      "I don't think @acme will ever fix this… not happy 😡😡 #NotAgain :(",
      'thanks for NOTHING!!! still waiting, 3 hours on hold?',
      'Exceptional service, gorgeous room, My Fav!!!! 😍',
    ];
    const lexes: LexiconEvidence[] = [
      { score: 0, sum: 0 },
      { score: -0.6, sum: -3.2, strongIntent: 'complaint' },
      { score: 0.4, sum: 1.5, strongIntent: 'praise' },
    ];
    const buf = createFeatureBuffer(8);
    let compared = 0;
    texts.forEach((text, i) => {
      const norm = normalizeText(text, model.normalize);
      const cues = detectServiceCues(norm.clean);
      const lex = lexes[i % lexes.length]!;
      const want = referenceFeatures(norm, lex, cues, MASK);
      extractSocialFeatures(norm, lex, cues, MASK, buf);
      expect(Array.from(buf.idx.subarray(0, buf.n)), text).toEqual(want.idx);
      expect(Array.from(buf.val.subarray(0, buf.n)), text).toEqual(want.val);
      compared += want.idx.length;
    });
    expect(texts.length).toBeGreaterThan(1000);
    expect(compared).toBeGreaterThan(50_000);
  });

  it('marks negated words and pairs words within a clause only', () => {
    const norm = normalizeText('not good. good', model.normalize);
    const f = extractSocialFeatures(
      norm,
      { score: 0, sum: 0 },
      { failure: 0, polite: false, sarcasm: false, plea: false },
      MASK,
      createFeatureBuffer(),
    );
    const s = 1 / Math.sqrt(3);
    const nGood = hashString('good', hashString('n:')) & MASK;
    const wGood = hashString('good', hashString('w:')) & MASK;
    const pair = hashString('good', (hashString('not', hashString('w:')) ^ hashString('b:')) >>> 0);
    expect(Array.from(f.idx.subarray(0, 4))).toEqual([
      hashString('not', hashString('w:')) & MASK,
      nGood,
      pair & MASK,
      wGood,
    ]);
    expect(Array.from(f.val.subarray(0, 4))).toEqual([s, s, s, s]);
  });
});
