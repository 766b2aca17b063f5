import { makeResolvedMention } from '@hark/testing';
import { describe, expect, it } from 'vitest';
import { distinctBrands, toMentionFact, toMentionFactWith } from '../../src/domain/mention-fact.ts';
import { toSignalFact } from '../../src/domain/signal-fact.ts';
import { makeBrandSignal } from '@hark/testing';
import { resolved } from './fixtures.ts';

function problemOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect((err as { code: string }).code).toBe('HARK_STAGE_PROCESSING_FAILED');
    return (err as Error).message;
  }
  throw new Error('expected a rejection');
}

describe('resolved mention → fact row', () => {
  it('flattens the sample mention with its customer match', () => {
    const f = toMentionFact(makeResolvedMention());
    expect(f).toMatchObject({
      mentionId: 'x:1860000000000000001',
      platform: 'x',
      authorId: '2244994945',
      brands: ['acme'],
      sentimentLabel: 'negative',
      sentimentMicros: -720_000,
      intentLabel: 'complaint',
      customerId: 'CRM-000042',
      isCustomer: true,
      likes: 12,
    });
  });

  it('rounds the score to millionths for the exact sum', () => {
    expect(toMentionFact(resolved({ score: 0.1234565 })).sentimentMicros).toBe(123_457);
    expect(toMentionFact(resolved({ score: -1 })).sentimentMicros).toBe(-1_000_000);
  });

  it.each<[string, (m: ReturnType<typeof resolved>) => void, RegExp]>([
    [
      'a NaN score',
      (m) => (m.sentiment.score = Number.NaN),
      /sentiment.score: must be within \[-1, 1\], got NaN/,
    ],
    ['a score above 1', (m) => (m.sentiment.score = 1.5), /sentiment.score/],
    [
      'negative likes',
      (m) => (m.mention.engagement.likes = -3),
      /engagement.likes: must be a non-negative integer/,
    ],
    ['fractional views', (m) => (m.mention.engagement.views = 1.5), /engagement.views/],
    ['negative followers', (m) => (m.mention.author.followers = -1), /author.followers/],
    ['no brands', (m) => (m.mention.brands = []), /brands: must name at least one tracked brand/],
    ['a blank brand only', (m) => (m.mention.brands = [' ']), /brands/],
    ['an empty mention id', (m) => (m.mention.mentionId = ''), /mentionId: must not be empty/],
    ['an empty author id', (m) => (m.mention.author.id = ''), /author.id/],
    [
      'a negative revision',
      (m) => (m.mention.revision = -1),
      /mention.revision: must be a non-negative integer/,
    ],
  ])(
    'when the mention has %s, it is rejected for the DLQ with the field path',
    (_what, mutate, reason) => {
      const m = resolved();
      mutate(m);
      expect(problemOf(() => toMentionFact(m))).toMatch(reason);
    },
  );

  it('carries the revision, with no correction and no scrub', () => {
    const m = resolved();
    m.mention.revision = 1_732_000_000_000;
    expect(toMentionFact(m)).toMatchObject({
      revision: 1_732_000_000_000,
      modelSentimentLabel: null,
      modelIntentLabel: null,
      sentimentCorrected: false,
      intentCorrected: false,
      scrubbed: null,
    });
  });

  it('lists every problem of a record at once', () => {
    const m = resolved();
    m.mention.brands = [];
    m.sentiment.score = Number.POSITIVE_INFINITY;
    const reason = problemOf(() => toMentionFact(m));
    expect(reason).toMatch(/brands/);
    expect(reason).toMatch(/sentiment.score/);
  });
});

describe('distinctBrands', () => {
  it.each([
    [['acme'], ['acme']],
    [
      ['acme', 'globex', 'acme'],
      ['acme', 'globex'],
    ],
    [['', ' ', 'acme', ' '], ['acme']],
    [
      ['globex', 'acme', 'globex', 'initech'],
      ['globex', 'acme', 'initech'],
    ],
    [[], []],
  ])('keeps %j as %j: non-blank, first-seen order, once each', (brands, expected) => {
    expect(distinctBrands(brands)).toEqual(expected);
    expect(distinctBrands(brands)).toEqual([...new Set(brands.filter((b) => b.trim() !== ''))]);
  });
});

describe('toMentionFactWith: the opened mention beside its sealed record', () => {
  it('reads every mention field from the opened mention', () => {
    const sealed = makeResolvedMention();
    const opened = {
      ...sealed.mention,
      text: 'opened text',
      author: { ...sealed.mention.author, handle: 'opened' },
    };
    expect(toMentionFactWith(sealed, opened)).toEqual(
      toMentionFact({ ...sealed, mention: opened }),
    );
  });

  it('is what toMentionFact gives as a map callback (no index taken for a mention)', () => {
    const rms = [makeResolvedMention(), makeResolvedMention()];
    expect(rms.map(toMentionFact)).toEqual(rms.map((rm) => toMentionFactWith(rm, rm.mention)));
  });
});

describe('brand signal → fact row', () => {
  it('keeps the observation and its windows', () => {
    const f = toSignalFact(makeBrandSignal({ observedAt: Date.parse('2026-11-20T09:30:15Z') }));
    expect(f.windows).toEqual({
      minute: Date.parse('2026-11-20T09:30:00Z'),
      hour: Date.parse('2026-11-20T09:00:00Z'),
      day: Date.parse('2026-11-20T00:00:00Z'),
    });
  });

  it.each([
    ['a NaN value', { value: Number.NaN }, /value: must be a finite number/],
    ['an infinite value', { value: Number.NEGATIVE_INFINITY }, /value/],
    ['an empty metric', { metric: '' }, /metric: must not be empty/],
    ['an empty signal id', { signalId: ' ' }, /signalId/],
  ])('when the signal has %s, it is rejected for the DLQ', (_what, overrides, reason) => {
    expect(problemOf(() => toSignalFact(makeBrandSignal(overrides)))).toMatch(reason);
  });
});
