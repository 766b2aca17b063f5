import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { correctionConstants, correctShares, invert } from '../../src/domain/share-correction.ts';

// Rows true negative/neutral/positive, columns predicted (the hark-social-en@2 test split).
const CONFUSION = [
  [3159, 621, 192],
  [2495, 2536, 906],
  [402, 453, 1520],
];

describe('share correction', () => {
  it('inverts a matrix so that A·A⁻¹ is the identity', () => {
    const a = [
      [0.8, 0.41, 0.08],
      [0.15, 0.43, 0.2],
      [0.05, 0.16, 0.72],
    ];
    const inv = invert(a);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const v = a[i]!.reduce((s, x, k) => s + x * inv[k]![j]!, 0);
        expect(v).toBeCloseTo(i === j ? 1 : 0, 10);
      }
    }
  });

  it('when the classifier is perfect, corrected shares equal the raw ones', () => {
    const c = correctionConstants([
      [100, 0, 0],
      [0, 100, 0],
      [0, 0, 100],
    ]);
    const r = correctShares([20, 50, 30], c);
    expect(r.corrected.map((v) => +v.toFixed(10))).toEqual([0.2, 0.5, 0.3]);
    expect(r.raw).toEqual([0.2, 0.5, 0.3]);
  });

  it('when counts are what the classifier makes of known true shares, the correction recovers them', () => {
    const c = correctionConstants(CONFUSION);
    const truth = [0.1, 0.6, 0.3];
    // Expected predicted counts for 100,000 mentions with those true shares.
    const n = CONFUSION.map((r) => r.reduce((a, b) => a + b, 0));
    const predicted = [0, 1, 2].map((a) =>
      [0, 1, 2].reduce((s, t) => s + (CONFUSION[t]![a]! / n[t]!) * truth[t]! * 100_000, 0),
    );
    const r = correctShares(predicted, c);
    r.corrected.forEach((v, i) => expect(v).toBeCloseTo(truth[i]!, 6));
    // The over-predicted negative class is corrected down.
    expect(r.raw[0]!).toBeGreaterThan(r.corrected[0]! + 0.1);
  });

  it('the interval contains the estimate and narrows as mentions grow', () => {
    const c = correctionConstants(CONFUSION);
    const small = correctShares([40, 40, 20], c);
    const large = correctShares([40_000, 40_000, 20_000], c);
    for (let k = 0; k < 3; k++) {
      expect(small.lower[k]!).toBeLessThanOrEqual(small.upper[k]!);
      expect(large.upper[k]! - large.lower[k]!).toBeLessThan(small.upper[k]! - small.lower[k]!);
    }
  });

  it('with many mentions the interval keeps the test-split error as its floor', () => {
    const c = correctionConstants(CONFUSION);
    const huge = correctShares([4e8, 4e8, 2e8], c);
    expect(huge.upper[1]! - huge.lower[1]!).toBeGreaterThan(0.01);
  });

  it('when there are no mentions, every share is 0', () => {
    const r = correctShares([0, 0, 0], correctionConstants(CONFUSION));
    expect(r.corrected).toEqual([0, 0, 0]);
  });

  it('when a true label has no test posts, the constants are refused', () => {
    expect(() =>
      correctionConstants([
        [1, 0, 0],
        [0, 0, 0],
        [0, 0, 1],
      ]),
    ).toThrow(/every true label/);
  });
});

describe('the correction constants migration 0009 ships', () => {
  it('are the ones the sentiment model file’s confusion matrix gives', () => {
    const root = new URL('../../../', import.meta.url);
    const model = JSON.parse(
      readFileSync(new URL('sentiment-scoring/models/social-v2.json', root), 'utf8'),
    ) as { confusion: number[][] };
    const sql = readFileSync(
      new URL('metrics-rollup/migrations/0009_themes_and_corrected_shares.sql', root),
      'utf8',
    );
    const c = correctionConstants(model.confusion);
    ['negative', 'neutral', 'positive'].forEach((label, k) => {
      const row = new RegExp(`\\('hark-social-en@2', '${label}', ([^)]*)\\)`).exec(sql);
      expect(row, label).not.toBeNull();
      const values = row![1]!.split(',').slice(0, 6).map(Number);
      [...c.inverse[k]!, ...c.testVariance[k]!].forEach((v, i) =>
        expect(values[i]!).toBeCloseTo(v, 9),
      );
    });
  });
});
