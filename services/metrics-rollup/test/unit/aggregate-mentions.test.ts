import { describe, expect, it } from 'vitest';
import {
  aggregateMentions as aggregate,
  compareText,
  microsToDecimal,
  type MentionRollupDelta,
} from '../../src/domain/aggregate-mentions.ts';
import { GRAINS } from '../../src/domain/windows.ts';

/** The domain leaves order to the store; tests read the output sorted by key. */
function aggregateMentions(facts: Parameters<typeof aggregate>[0]) {
  const { rollups, authors } = aggregate(facts);
  return {
    rollups: [...rollups].sort(
      (a, b) =>
        GRAINS.indexOf(a.grain) - GRAINS.indexOf(b.grain) ||
        compareText(a.brand, b.brand) ||
        compareText(a.platform, b.platform) ||
        a.windowStart - b.windowStart,
    ),
    authors: [...authors].sort(
      (a, b) =>
        a.day - b.day ||
        compareText(a.brand, b.brand) ||
        compareText(a.platform, b.platform) ||
        compareText(a.authorId, b.authorId) ||
        a.minuteOfDay - b.minuteOfDay,
    ),
  };
}
import { toMentionFact } from '../../src/domain/mention-fact.ts';
import { resolved, type MentionSpec } from './fixtures.ts';

const facts = (...specs: MentionSpec[]) => specs.map((s) => toMentionFact(resolved(s)));
const find = (
  rollups: MentionRollupDelta[],
  grain: string,
  brand: string,
  at: string,
  platform = 'x',
) =>
  rollups.find(
    (r) =>
      r.grain === grain &&
      r.brand === brand &&
      r.platform === platform &&
      r.windowStart === Date.parse(at),
  );

describe('pre-aggregating a batch by grain, brand, platform and window', () => {
  it('one mention adds one to its minute, hour and day window', () => {
    const { rollups, authors } = aggregateMentions(
      facts({ at: '2026-11-20T09:30:15Z', likes: 3, followers: 50 }),
    );
    expect(
      rollups.map((r) => [r.grain, new Date(r.windowStart).toISOString(), r.mentions]),
    ).toEqual([
      ['minute', '2026-11-20T09:30:00.000Z', 1],
      ['hour', '2026-11-20T09:00:00.000Z', 1],
      ['day', '2026-11-20T00:00:00.000Z', 1],
    ]);
    expect(rollups[0]).toMatchObject({ likes: 3, reach: 50, neutral: 1, prospectMentions: 1 });
    expect(authors).toHaveLength(1);
  });

  it('a mention matching several brands counts once for each brand', () => {
    const { rollups } = aggregateMentions(facts({ brands: ['acme', 'globex', 'acme'], likes: 2 }));
    const days = rollups.filter((r) => r.grain === 'day');
    expect(days.map((r) => [r.brand, r.mentions, r.likes])).toEqual([
      ['acme', 1, 2],
      ['globex', 1, 2],
    ]);
  });

  it('sentiment: labels are counted, scores summed in millionths, unknown scores left out of the sum', () => {
    const { rollups } = aggregateMentions(
      facts(
        { sentiment: 'positive', score: 0.8 },
        { sentiment: 'positive', score: 0.1234567 },
        { sentiment: 'negative', score: -0.75 },
        { sentiment: 'neutral', score: 0 },
        { sentiment: 'unknown', score: 0.9 },
      ),
    );
    expect(find(rollups, 'day', 'acme', '2026-11-20T00:00:00Z')).toMatchObject({
      mentions: 5,
      positive: 2,
      negative: 1,
      neutral: 1,
      unknownSentiment: 1,
      sentimentMicros: 800_000 + 123_457 - 750_000,
    });
  });

  it('customers are linked mentions with a customer id; review and prospects count as prospects', () => {
    const { rollups } = aggregateMentions(
      facts(
        { customerId: 'CRM-1' },
        { customerId: 'CRM-2' },
        { customerId: 'CRM-3', status: 'review' },
        { customerId: null, status: 'linked' },
        { customerId: null },
      ),
    );
    expect(find(rollups, 'hour', 'acme', '2026-11-20T09:00:00Z')).toMatchObject({
      customerMentions: 2,
      prospectMentions: 3,
    });
  });

  it('intents are counted per label', () => {
    const { rollups } = aggregateMentions(
      facts(
        { intent: 'complaint' },
        { intent: 'complaint' },
        { intent: 'churn_risk' },
        { intent: 'praise' },
      ),
    );
    expect(find(rollups, 'minute', 'acme', '2026-11-20T09:30:00Z')?.intents).toEqual({
      complaint: 2,
      question: 0,
      praise: 1,
      suggestion: 0,
      purchase_intent: 0,
      churn_risk: 1,
      other: 0,
    });
  });

  it('engagement and reach are summed', () => {
    const { rollups } = aggregateMentions(
      facts(
        { likes: 1, shares: 2, replies: 3, views: 4, followers: 1000 },
        { likes: 10, shares: 20, replies: 30, views: 40, followers: 5, author: 'a2' },
      ),
    );
    expect(find(rollups, 'day', 'acme', '2026-11-20T00:00:00Z')).toMatchObject({
      likes: 11,
      shares: 22,
      replies: 33,
      views: 44,
      reach: 1005,
    });
  });

  it('author activity is listed once per brand, platform, author and minute, with its minute of the UTC day', () => {
    const { authors } = aggregateMentions(
      facts(
        { author: 'a1', at: '2026-11-20T09:30:01Z' },
        { author: 'a1', at: '2026-11-20T09:30:59Z' },
        { author: 'a1', at: '2026-11-20T09:31:00Z' },
        { author: 'a2', at: '2026-11-20T09:31:30Z', brands: ['acme', 'globex'] },
        { author: 'a1', at: '2026-11-21T00:00:00Z' },
      ),
    );
    expect(
      authors.map((a) => [
        new Date(a.day).toISOString().slice(0, 10),
        a.brand,
        a.authorId,
        a.minuteOfDay,
      ]),
    ).toEqual([
      ['2026-11-20', 'acme', 'a1', 570],
      ['2026-11-20', 'acme', 'a1', 571],
      ['2026-11-20', 'acme', 'a2', 571],
      ['2026-11-20', 'globex', 'a2', 571],
      ['2026-11-21', 'acme', 'a1', 0],
    ]);
  });

  it('the last minute of a day is minute 1439', () => {
    const { authors } = aggregateMentions(facts({ at: '2026-11-20T23:59:59.999Z' }));
    expect(authors[0]!.minuteOfDay).toBe(1439);
  });

  it('platforms and brands are separate rows', () => {
    const { rollups } = aggregateMentions(
      facts(
        { brands: ['globex'], platform: 'x', at: '2026-11-20T10:00:00Z' },
        { brands: ['acme'], platform: 'reddit', at: '2026-11-20T09:00:00Z' },
        { brands: ['acme'], platform: 'x', at: '2026-11-20T11:00:00Z' },
        { brands: ['acme'], platform: 'x', at: '2026-11-20T09:00:00Z' },
      ),
    );
    expect(
      rollups
        .filter((r) => r.grain === 'hour')
        .map((r) => `${r.brand}/${r.platform}/${new Date(r.windowStart).getUTCHours()}`),
    ).toEqual(['acme/reddit/9', 'acme/x/9', 'acme/x/11', 'globex/x/10']);
  });

  it('batching never changes totals: two halves add up to the whole', () => {
    const all = facts(
      ...Array.from({ length: 200 }, (_, i) => ({
        at: Date.parse('2026-11-20T00:00:00Z') + i * 7_919_000,
        brands: i % 3 === 0 ? ['acme', 'globex'] : ['acme'],
        platform: i % 2 === 0 ? 'x' : 'reddit',
        sentiment: (['positive', 'neutral', 'negative', 'unknown'] as const)[i % 4],
        score: ((i % 21) - 10) / 10.3,
        likes: i,
        author: `a${i % 17}`,
      })),
    );
    const whole = aggregateMentions(all).rollups;
    const halves = [
      ...aggregateMentions(all.slice(0, 77)).rollups,
      ...aggregateMentions(all.slice(77)).rollups,
    ];
    const sum = (rows: MentionRollupDelta[]) => {
      const out = new Map<string, { mentions: number; micros: number; likes: number }>();
      for (const r of rows) {
        const k = `${r.grain}/${r.brand}/${r.platform}/${r.windowStart}`;
        const prior = out.get(k) ?? { mentions: 0, micros: 0, likes: 0 };
        out.set(k, {
          mentions: prior.mentions + r.mentions,
          micros: prior.micros + r.sentimentMicros,
          likes: prior.likes + r.likes,
        });
      }
      return out;
    };
    expect(sum(halves)).toEqual(sum(whole));
  });

  it('an empty batch aggregates to nothing', () => {
    expect(aggregateMentions([])).toEqual({ rollups: [], authors: [] });
  });
});

describe('exact decimals for numeric columns', () => {
  it.each([
    [0, '0.000000'],
    [1, '0.000001'],
    [-1, '-0.000001'],
    [1_500_000, '1.500000'],
    [-1_500_000, '-1.500000'],
    [123_456_789_012, '123456.789012'],
  ])('%d millionths is %s', (micros, text) => {
    expect(microsToDecimal(micros)).toBe(text);
  });
});
