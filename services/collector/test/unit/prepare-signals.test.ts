import { describe, expect, it } from 'vitest';
import { prepareSignals, signalKey } from '../../src/domain/prepare-signals.ts';

const now = Date.UTC(2026, 10, 24, 12);
const ctx = {
  now,
  maxFutureSkewMs: 3_600_000,
  brandIds: new Set(['acme']),
  defaultSource: 'api-key-1',
};
const signal = { brand: 'acme', metric: 'followers', value: 10, observedAt: now - 1000 };

describe('prepareSignals', () => {
  it('stamps valid signals with the collection time, keyed brand:metric', () => {
    const out = prepareSignals([{ value: signal }], ctx);
    expect(out.rejected).toEqual([]);
    expect(out.signals[0]).toMatchObject({ index: 0, signal: { collectedAt: now } });
    expect(signalKey(out.signals[0]!.signal)).toBe('acme:followers');
  });

  it('when a record is unreadable or names an unknown brand, it is rejected in place with its line', () => {
    const out = prepareSignals(
      [
        {
          raw: '{',
          line: 1,
          error: { path: '', reason: 'malformed_json', message: 'not JSON' },
        },
        { value: { ...signal, brand: 'globex' }, line: 2 },
        { value: signal, line: 3 },
      ],
      ctx,
    );
    expect(out.signals.map((s) => s.index)).toEqual([2]);
    expect(out.rejected.map((r) => [r.index, r.line, r.errors[0]!.reason])).toEqual([
      [0, 1, 'malformed_json'],
      [1, 2, 'unknown_brand'],
    ]);
  });
});
