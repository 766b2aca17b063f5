import { describe, expect, it } from 'vitest';
import { influenceOf } from '../../src/domain/influence.ts';

describe('influenceOf', () => {
  it.each([
    [0, false, 'unknown', 0],
    [0, true, 'unknown', 0.1],
    [999, false, 'nano', 0.3857],
    [1_000, false, 'micro', 0.3858],
    [50_000, false, 'mid', 0.6042],
    [250_000, true, 'macro', 0.794],
    [5_000_000, false, 'mega', 0.8613],
    [1e9, true, 'mega', 1],
  ])('%i followers, verified %s → %s', (followers, verified, tier, score) => {
    const i = influenceOf(followers, verified);
    expect(i.tier).toBe(tier);
    expect(i.score).toBeCloseTo(score, 3);
  });

  it('grows with followers and never leaves [0, 1]', () => {
    let last = -1;
    for (const f of [0, 1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8]) {
      const { score } = influenceOf(f, false);
      expect(score).toBeGreaterThanOrEqual(last);
      expect(score).toBeLessThanOrEqual(1);
      last = score;
    }
  });
});
