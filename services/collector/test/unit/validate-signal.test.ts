import { describe, expect, it } from 'vitest';
import { validateSignal } from '../../src/domain/validate-signal.ts';

const NOW = Date.UTC(2026, 10, 24, 12);
const opts = {
  now: NOW,
  maxFutureSkewMs: 3_600_000,
  brandIds: new Set(['acme', 'globex']),
  defaultSource: 'api-key-1',
};
const errorsOf = (input: unknown) => {
  const r = validateSignal(input, opts);
  return r.ok ? [] : r.errors.map((e) => `${e.path}|${e.reason}`);
};

describe('validateSignal', () => {
  it('builds a signal with a deterministic id and level aggregation for followers', () => {
    const r = validateSignal(
      {
        brand: 'acme',
        platform: 'X',
        metric: 'followers',
        value: 182340,
        observedAt: '2026-11-24T00:00:00Z',
      },
      opts,
    );
    expect(r).toEqual({
      ok: true,
      draft: {
        signalId: `acme:x:followers:${Date.UTC(2026, 10, 24)}`,
        brand: 'acme',
        platform: 'x',
        metric: 'followers',
        value: 182340,
        aggregation: 'last',
        observedAt: Date.UTC(2026, 10, 24),
        source: 'api-key-1',
      },
    });
  });

  it('sums flows by default, takes any metric name, and defaults the platform to all', () => {
    const r = validateSignal(
      {
        brand: 'globex',
        metric: 'newsletter_signups',
        value: 12,
        observedAt: NOW - 1000,
        source: 'ga4',
      },
      opts,
    );
    expect(r.ok && r.draft).toMatchObject({ platform: 'all', aggregation: 'sum', source: 'ga4' });
  });

  it('lets a metric that is not a count go negative (a net change)', () => {
    expect(
      validateSignal(
        { brand: 'acme', metric: 'follower_change', value: -40, observedAt: NOW },
        opts,
      ).ok,
    ).toBe(true);
  });

  it.each([
    [
      'an unknown brand',
      { brand: 'initrode', metric: 'followers', value: 1, observedAt: NOW },
      ['brand|unknown_brand'],
    ],
    ['a missing metric', { brand: 'acme', value: 1, observedAt: NOW }, ['metric|missing_field']],
    [
      'a metric with spaces',
      { brand: 'acme', metric: 'web visits', value: 1, observedAt: NOW },
      ['metric|invalid_value'],
    ],
    [
      'a missing value',
      { brand: 'acme', metric: 'web_visits', observedAt: NOW },
      ['value|missing_field'],
    ],
    [
      'a value as a string',
      { brand: 'acme', metric: 'web_visits', value: '10', observedAt: NOW },
      ['value|wrong_type'],
    ],
    [
      'negative web visits',
      { brand: 'acme', metric: 'web_visits', value: -10, observedAt: NOW },
      ['value|negative_count'],
    ],
    [
      'an unknown aggregation',
      { brand: 'acme', metric: 'web_visits', value: 1, observedAt: NOW, aggregation: 'avg' },
      ['aggregation|invalid_value'],
    ],
    [
      'a missing observedAt',
      { brand: 'acme', metric: 'web_visits', value: 1 },
      ['observedAt|missing_field'],
    ],
    [
      'an observedAt tomorrow',
      { brand: 'acme', metric: 'web_visits', value: 1, observedAt: NOW + 86_400_000 },
      ['observedAt|invalid_timestamp'],
    ],
    ['an array', [1], ['|not_an_object']],
  ])('rejects %s', (_label, input, expected) => {
    expect(errorsOf(input)).toEqual(expected);
  });
});
