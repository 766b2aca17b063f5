import { describe, expect, it } from 'vitest';
import { loadEvalSet, loadMultilingualSet, loadTrainSet } from '../../bench/lib/datasets.ts';
import { INTENT_LABELS } from '../../src/domain/intent-rules.ts';

const evalSet = loadEvalSet();
const train = loadTrainSet();
const squash = (t: string) =>
  t
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

describe('evaluation and training data', () => {
  it('the evaluation set has at least 1,000 English posts across at least ten industries', () => {
    expect(evalSet.length).toBeGreaterThanOrEqual(1000);
    expect(new Set(evalSet.map((p) => p.industry)).size).toBeGreaterThanOrEqual(10);
    expect(new Set(evalSet.map((p) => p.platform)).size).toBeGreaterThanOrEqual(5);
  });

  it('every post has a unique id and valid labels', () => {
    const all = [...evalSet, ...loadMultilingualSet()];
    expect(new Set(all.map((p) => p.id)).size).toBe(all.length);
    for (const p of [...all, ...train]) {
      expect(['negative', 'neutral', 'positive'], p.id).toContain(p.sentiment);
      expect(INTENT_LABELS, p.id).toContain(p.intent);
      expect(p.text.trim().length, p.id).toBeGreaterThan(0);
    }
  });

  it('no evaluation post appears in the training data, even after lower-casing and stripping punctuation', () => {
    const trained = new Set(train.map((p) => squash(p.text)));
    const leaked = evalSet.filter((p) => trained.has(squash(p.text))).map((p) => p.id);
    expect(leaked).toEqual([]);
  });

  it('no brand name used in the evaluation set is used in the training data', () => {
    const trainText = train.map((p) => p.text.toLowerCase()).join('\n');
    // prettier-ignore
    const evalBrands = ['nexon', 'fibrelink', 'callwave', 'altair', 'meridian', 'flyborea', 'pinecrest', 'lumo', 'harwick', 'tillbury', 'northwind', 'cartly', 'grubly', 'munchr', 'hotbox', 'stackform', 'relaydesk', 'driftboard', 'notely', 'corvane', 'elion', 'brackley', 'emberfall', 'riftline', 'pixelvault', 'ostara', 'mariner', 'stayloft', 'lumiere', 'dewdrop', 'saffron'];
    expect(evalBrands.filter((b) => trainText.includes(b))).toEqual([]);
  });
});
