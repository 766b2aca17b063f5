import { describe, expect, it } from 'vitest';
import {
  bestRecallAt,
  bootstrapBestRecall,
  operatingPoint,
  uniqueTop,
  type Proposal,
} from '../../../bench/sweep.ts';

const p = (score: number, right: boolean): Proposal => ({ score, right });

describe('bestRecallAt', () => {
  const proposals = [p(0.9, true), p(0.6, true), p(0.7, false), p(0.8, true)];

  it('links down to the lowest threshold that keeps the precision', () => {
    expect(bestRecallAt(proposals, 4, 0.99)).toEqual({
      threshold: 0.8,
      links: 2,
      right: 2,
      precision: 1,
      recall: 0.5,
    });
    expect(bestRecallAt(proposals, 4, 0.75)).toEqual({
      threshold: 0.6,
      links: 4,
      right: 3,
      precision: 0.75,
      recall: 0.75,
    });
  });

  it('when equal scores mix right and wrong, links them together or not at all', () => {
    const r = bestRecallAt([p(0.9, true), p(0.9, false), p(0.5, true)], 2, 0.99);
    expect(r).toEqual({ threshold: Infinity, links: 0, right: 0, precision: 1, recall: 0 });
  });

  it('always links an infinite score (an exact e-mail)', () => {
    const r = bestRecallAt([p(Infinity, true), p(0.3, false)], 1, 0.99);
    expect(r).toMatchObject({ threshold: Infinity, links: 1, right: 1, recall: 1 });
  });

  it('when no author is a customer, recall is 0', () => {
    expect(bestRecallAt([p(0.9, false)], 0, 0.5).recall).toBe(0);
  });
});

describe('operatingPoint', () => {
  it('links every proposal at or above the threshold', () => {
    const proposals = [p(0.9, true), p(0.7, false), p(0.8, true), p(0.6, true)];
    expect(operatingPoint(proposals, 5, 0.7)).toEqual({
      threshold: 0.7,
      links: 3,
      right: 2,
      precision: 2 / 3,
      recall: 0.4,
    });
    expect(operatingPoint(proposals, 5, 1).precision).toBe(1);
  });
});

describe('bootstrapBestRecall', () => {
  it('when every author is alike, every resample gives the same recall', () => {
    const authors = [1, 2, 3].map(() => ({ proposal: p(0.9, true), positive: true }));
    expect(bootstrapBestRecall(authors, 0.99, 20, Math.random)).toEqual([1, 1]);
  });

  it('resamples authors with replacement', () => {
    const authors = [
      { proposal: p(0.9, true), positive: true },
      { proposal: null, positive: true },
    ];
    // Draws: first author twice (recall 1), then the second twice (recall 0).
    const draws = [0.1, 0.2, 0.6, 0.7];
    let i = 0;
    expect(bootstrapBestRecall(authors, 0.99, 2, () => draws[i++]!, [0, 0.5])).toEqual([0, 1]);
  });
});

describe('uniqueTop', () => {
  it.each([
    [[0.1, 0.5, 0.3], 1],
    [[0.5, 0.5], -1],
    [[], -1],
    [[0.5, 0.5, 0.9], 2],
    [[0.9, 0.2, 0.2], 0],
  ])('%j → %i', (scores, expected) => {
    expect(uniqueTop(scores)).toBe(expected);
  });
});
