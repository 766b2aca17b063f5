import { describe, expect, it } from 'vitest';
import { erasureProgress } from '../../src/domain/erasure-progress.ts';

const report = (stage: string, eventId: string, factsRemoved = 0, windowsRestated = 0) => ({
  stage,
  eventId,
  factsRemoved,
  windowsRestated,
});

describe('erasureProgress', () => {
  it('when only other stages reported, it waits for every event and totals nothing', () => {
    expect(
      erasureProgress(['e1', 'e2'], [report('identity-resolution', 'e1', 5)], 'metrics-rollup'),
    ).toEqual({ waitingFor: 2, factsRemoved: 0, windowsRestated: 0 });
  });

  it('when the completing stage reported some events, it waits for the rest and sums its counts', () => {
    expect(
      erasureProgress(
        ['e1', 'e2', 'e3'],
        [report('metrics-rollup', 'e1', 3, 2), report('metrics-rollup', 'e3', 4, 1)],
        'metrics-rollup',
      ),
    ).toEqual({ waitingFor: 1, factsRemoved: 7, windowsRestated: 3 });
  });

  it('when an erasure has no events, it waits for nothing', () => {
    expect(erasureProgress([], [], 'metrics-rollup').waitingFor).toBe(0);
  });
});
