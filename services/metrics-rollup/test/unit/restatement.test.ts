import { describe, expect, it } from 'vitest';
import { rng } from '../../bench/workload.ts';
import { aggregateMentions } from '../../src/domain/aggregate-mentions.ts';
import { toMentionFact, type MentionFact } from '../../src/domain/mention-fact.ts';
import {
  activityOf,
  applyCorrection,
  authorDaysOf,
  classifyDelivery,
  correctedScore,
  correctionProblems,
  counterChanges,
  rollupChanges,
  scrubFact,
  uniqueAuthorChanges,
  type RollupChange,
} from '../../src/domain/restatement.ts';
import { GRAINS, windowStart } from '../../src/domain/windows.ts';
import { resolved } from './fixtures.ts';

const T = Date.parse('2026-11-20T09:30:15Z');
const SENTIMENTS = ['positive', 'neutral', 'negative', 'unknown'] as const;
const INTENTS = ['complaint', 'question', 'praise', 'other'] as const;

/** Random facts over few authors, brands, minutes and two days, so windows and authors collide often. */
function randomFacts(seed: number, n: number): MentionFact[] {
  const random = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  return Array.from({ length: n }, (_, i) => {
    const sentiment = pick(SENTIMENTS);
    return toMentionFact(
      resolved({
        id: `r${seed}-${i}`,
        at: T + Math.floor(random() * 4) * 61_000 + (random() < 0.2 ? 86_400_000 : 0),
        brands: random() < 0.3 ? ['acme', 'globex'] : [pick(['acme', 'globex'])],
        platform: pick(['x', 'reddit']),
        author: pick(['a', 'b', 'c']),
        followers: Math.floor(random() * 1000),
        sentiment,
        score: sentiment === 'positive' ? random() : sentiment === 'negative' ? -random() : 0,
        intent: pick(INTENTS),
        customerId: random() < 0.3 ? 'CRM-1' : null,
        likes: Math.floor(random() * 50),
        shares: Math.floor(random() * 5),
      }),
    );
  });
}

/** Every window's full row, unique authors included, recounted from scratch: the reference. */
function recount(facts: readonly MentionFact[]): Map<string, RollupChange> {
  const rows = new Map<string, RollupChange>();
  const { rollups } = aggregateMentions(facts);
  for (const d of rollups) {
    rows.set(`${d.grain}|${d.brand}|${d.platform}|${d.windowStart}`, { ...d, uniqueAuthors: 0 });
  }
  for (const grain of GRAINS) {
    const authors = new Map<string, Set<string>>();
    for (const f of facts) {
      for (const brand of f.brands) {
        const k = `${grain}|${brand}|${f.platform}|${windowStart(f.createdAt, grain)}`;
        authors.set(k, (authors.get(k) ?? new Set()).add(f.authorId));
      }
    }
    for (const [k, set] of authors) rows.get(k)!.uniqueAuthors = set.size;
  }
  return rows;
}

/** The rollups after adding `changes` to `base` (the store's additive upsert), emptied rows dropped. */
function applyChanges(
  base: Map<string, RollupChange>,
  changes: readonly RollupChange[],
): Map<string, RollupChange> {
  const out = new Map([...base].map(([k, v]) => [k, structuredClone(v)]));
  for (const c of changes) {
    const k = `${c.grain}|${c.brand}|${c.platform}|${c.windowStart}`;
    const r = out.get(k);
    if (!r) {
      out.set(k, structuredClone(c));
      continue;
    }
    for (const f of [
      'mentions',
      'positive',
      'neutral',
      'negative',
      'unknownSentiment',
      'sentimentMicros',
      'likes',
      'shares',
      'replies',
      'views',
      'reach',
      'customerMentions',
      'prospectMentions',
      'uniqueAuthors',
    ] as const)
      r[f] += c[f];
    for (const i of Object.keys(r.intents) as (keyof RollupChange['intents'])[])
      r.intents[i] += c.intents[i];
  }
  for (const [k, r] of out) if (r.mentions === 0) out.delete(k);
  return out;
}

/** What the primitive computes: counter changes plus unique-author changes from re-derived author-days. */
function restate(
  current: readonly MentionFact[],
  removed: readonly MentionFact[],
  added: readonly MentionFact[],
): RollupChange[] {
  const removedIds = new Set(removed.map((f) => f.mentionId));
  const remaining = [...current.filter((f) => !removedIds.has(f.mentionId)), ...added];
  const keys = new Set(
    authorDaysOf([...removed, ...added]).map(
      (k) => `${k.day}|${k.brand}|${k.platform}|${k.authorId}`,
    ),
  );
  const inKeys = (a: { day: number; brand: string; platform: string; authorId: string }) =>
    keys.has(`${a.day}|${a.brand}|${a.platform}|${a.authorId}`);
  return rollupChanges(
    counterChanges(removed, added),
    uniqueAuthorChanges(activityOf(current).filter(inKeys), activityOf(remaining).filter(inKeys)),
  );
}

const sortedRows = (m: Map<string, RollupChange>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1));

describe('restatement deltas (property checks over random facts)', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`seed ${seed}: restating (remove some, replace some) equals a recount of what remains`, () => {
      const facts = randomFacts(seed, 60);
      const random = rng(seed * 31);
      const removed = facts.filter(() => random() < 0.3);
      const replacedFrom = facts.filter((f) => !removed.includes(f) && random() < 0.3);
      const replacements = replacedFrom.map((f) => ({
        ...f,
        createdAt: f.createdAt + (random() < 0.5 ? 86_400_000 : 120_000),
        authorId: random() < 0.5 ? 'z' : f.authorId,
        likes: f.likes + 1,
        sentimentLabel: 'negative' as const,
        sentimentMicros: -100_000,
        intentLabel: 'complaint' as const,
      }));
      const out = restate(facts, [...removed, ...replacedFrom], replacements);
      const remaining = [
        ...facts.filter((f) => !removed.includes(f) && !replacedFrom.includes(f)),
        ...replacements,
      ];
      expect(sortedRows(applyChanges(recount(facts), out))).toEqual(sortedRows(recount(remaining)));
    });

    it(`seed ${seed}: adding facts then removing them is the identity`, () => {
      const facts = randomFacts(seed, 50);
      const extra = randomFacts(seed + 100, 20);
      const added = applyChanges(recount(facts), restate(facts, [], extra));
      expect(sortedRows(added)).toEqual(sortedRows(recount([...facts, ...extra])));
      const back = applyChanges(added, restate([...facts, ...extra], extra, []));
      expect(sortedRows(back)).toEqual(sortedRows(recount(facts)));
    });
  }

  it('replacing a fact by itself changes nothing', () => {
    const facts = randomFacts(9, 30);
    expect(restate(facts, facts.slice(0, 10), facts.slice(0, 10))).toEqual([]);
  });
});

describe('unique-author changes', () => {
  const key = {
    day: Date.parse('2026-11-20T00:00:00Z'),
    brand: 'acme',
    platform: 'x',
    authorId: 'a',
  };
  it('losing one of two minutes in the same hour drops the author from that minute only', () => {
    const out = uniqueAuthorChanges(
      [{ ...key, minutes: [570, 571] }],
      [{ ...key, minutes: [570] }],
    );
    expect(out.map((o) => [o.grain, new Date(o.windowStart).toISOString(), o.delta])).toEqual([
      ['minute', '2026-11-20T09:31:00.000Z', -1],
    ]);
  });
  it('losing the last minute of a day drops the author from minute, hour and day', () => {
    const out = uniqueAuthorChanges([{ ...key, minutes: [600] }], []);
    expect(out.map((o) => [o.grain, o.delta])).toEqual([
      ['minute', -1],
      ['hour', -1],
      ['day', -1],
    ]);
  });
  it('moving to another hour of the same day keeps the day', () => {
    const out = uniqueAuthorChanges([{ ...key, minutes: [60] }], [{ ...key, minutes: [180] }]);
    expect(out.map((o) => [o.grain, o.delta]).sort()).toEqual(
      [
        ['minute', -1],
        ['minute', 1],
        ['hour', -1],
        ['hour', 1],
      ].sort(),
    );
  });
});

describe('classifying a delivery against its stored claim', () => {
  it.each([
    [{ state: 'counted', revision: 0, scrubBelow: null }, 0, { action: 'duplicate' }],
    [{ state: 'counted', revision: 5, scrubBelow: null }, 3, { action: 'duplicate' }],
    [{ state: 'counted', revision: 5, scrubBelow: null }, 6, { action: 'restate', scrub: false }],
    [{ state: 'counted', revision: 0, scrubBelow: 7 }, 3, { action: 'restate', scrub: true }],
    [{ state: 'counted', revision: 0, scrubBelow: 7 }, 7, { action: 'restate', scrub: false }],
    [{ state: 'removed', revision: 0, scrubBelow: null }, 99, { action: 'suppressed' }],
    [{ state: 'pending', revision: 0, scrubBelow: 4 }, 0, { action: 'restate', scrub: true }],
  ] as const)('claim %o, revision %i → %o', (key, revision, expected) => {
    expect(classifyDelivery(revision, key)).toEqual(expected);
  });
});

describe('corrections and scrubbing', () => {
  const fact = toMentionFact(resolved({ sentiment: 'negative', score: -0.8, intent: 'other' }));

  it('a corrected label keeps the model output beside it, and a second correction does not overwrite the model output', () => {
    const once = applyCorrection(fact, { sentiment: 'positive' });
    expect(once).toMatchObject({
      sentimentLabel: 'positive',
      sentimentScore: 0.5,
      sentimentMicros: 500_000,
      modelSentimentLabel: 'negative',
      modelSentimentScore: -0.8,
      sentimentCorrected: true,
      intentCorrected: false,
    });
    const twice = applyCorrection(once, { sentiment: 'negative', intent: 'complaint' });
    expect(twice).toMatchObject({
      sentimentLabel: 'negative',
      sentimentScore: -0.8,
      modelSentimentLabel: 'negative',
      intentLabel: 'complaint',
      modelIntentLabel: 'other',
    });
  });

  it.each([
    ['positive', 0.3, 0.3],
    ['positive', -0.3, 0.5],
    ['negative', 0.2, -0.5],
    ['negative', -0.9, -0.9],
    ['neutral', 0.7, 0],
  ] as const)('a %s correction of a model score %d counts with %d', (label, model, expected) => {
    expect(correctedScore(label, model)).toBe(expected);
  });

  it.each([
    [{}, /give at least one label/],
    [{ sentiment: 'positive', sentimentScore: -0.2 }, /positive label needs a score above 0/],
    [{ sentiment: 'negative', sentimentScore: 0 }, /negative label needs a score below 0/],
    [{ sentiment: 'neutral', sentimentScore: 1.5 }, /within \[-1, 1\]/],
    [{ intent: 'praise', sentimentScore: 0.5 }, /needs a sentiment label/],
  ] as const)('correction %o is rejected', (c, message) => {
    expect(correctionProblems(c).join('; ')).toMatch(message);
  });

  it('a valid correction has no problems', () => {
    expect(
      correctionProblems({ sentiment: 'negative', sentimentScore: -0.1, intent: 'complaint' }),
    ).toEqual([]);
  });

  it('scrubbing blanks text, title, url, handle and name and keeps every counted value', () => {
    const s = scrubFact({ ...fact, title: 'T', url: 'https://u', authorName: 'N' }, 'retention');
    expect(s).toMatchObject({
      text: '',
      title: null,
      url: null,
      authorHandle: '',
      authorName: null,
      scrubbed: 'retention',
    });
    expect(counterChanges([fact], [s])).toEqual([]);
  });
});
