import { describe, expect, it } from 'vitest';
import { compareObservations } from '../../src/domain/signal-fact.ts';

describe('the last value of a window', () => {
  it.each([
    [
      'a later observation wins',
      { observedAt: 2, signalId: 'a' },
      { observedAt: 1, signalId: 'z' },
      1,
    ],
    [
      'an earlier observation loses',
      { observedAt: 1, signalId: 'z' },
      { observedAt: 2, signalId: 'a' },
      -1,
    ],
    [
      'on a tie, the greater signal id wins',
      { observedAt: 1, signalId: 'b' },
      { observedAt: 1, signalId: 'a' },
      1,
    ],
    [
      'the same observation is neither newer nor older',
      { observedAt: 1, signalId: 'a' },
      { observedAt: 1, signalId: 'a' },
      0,
    ],
  ])('%s', (_what, a, b, sign) => {
    expect(Math.sign(compareObservations(a, b))).toBe(sign);
  });

  it('the winner does not depend on arrival order', () => {
    const obs = [
      { observedAt: 5, signalId: 'acme:x:followers:5' },
      { observedAt: 9, signalId: 'acme:x:followers:9b' },
      { observedAt: 9, signalId: 'acme:x:followers:9a' },
      { observedAt: 1, signalId: 'acme:x:followers:1' },
    ];
    const winner = (list: typeof obs) =>
      list.reduce((best, o) => (compareObservations(o, best) > 0 ? o : best));
    expect(winner(obs)).toEqual(winner([...obs].reverse()));
    expect(winner(obs).signalId).toBe('acme:x:followers:9b');
  });
});
