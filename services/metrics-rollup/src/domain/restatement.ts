import type { IntentLabel, SentimentLabel } from '@hark/events';
import {
  aggregateMentions,
  compareText,
  emptyDelta,
  type MentionRollupDelta,
} from './aggregate-mentions.ts';
import type { MentionFact } from './mention-fact.ts';
import { GRAIN_MS, windowStart, type Grain } from './windows.ts';

/** What a restatement adds to one rollup row, unique authors included; negative to subtract. */
export interface RollupChange extends MentionRollupDelta {
  uniqueAuthors: number;
}

/** One author's activity for a brand and platform on one UTC day: the minutes of the day (0 … 1439). */
export interface AuthorDayKey {
  /** Start of the UTC day, epoch ms. */
  day: number;
  brand: string;
  platform: string;
  authorId: string;
}

export interface AuthorDayActivity extends AuthorDayKey {
  /** Distinct minutes of the day the author was active in, ascending. */
  minutes: readonly number[];
}

const COUNTER_KEYS = [
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
] as const;

const rowKey = (grain: Grain, brand: string, platform: string, start: number): string =>
  `${grain}\u0000${brand}\u0000${platform}\u0000${start}`;

/**
 * The counter changes (everything but unique authors) of replacing the
 * `removed` facts by the `added` ones: the aggregate of `added` minus the
 * aggregate of `removed`, per grain, brand, platform and window. Rows that
 * net to zero are left out: nothing to write.
 */
export function counterChanges(
  removed: readonly MentionFact[],
  added: readonly MentionFact[],
): RollupChange[] {
  const out = new Map<string, RollupChange>();
  const merge = (deltas: readonly MentionRollupDelta[], sign: 1 | -1) => {
    for (const d of deltas) {
      const k = rowKey(d.grain, d.brand, d.platform, d.windowStart);
      let r = out.get(k);
      if (!r) {
        r = { ...zeroChange(d.grain, d.brand, d.platform, d.windowStart) };
        out.set(k, r);
      }
      for (const c of COUNTER_KEYS) r[c] += sign * d[c];
      for (const [intent, n] of Object.entries(d.intents) as [IntentLabel, number][])
        r.intents[intent] += sign * n;
    }
  };
  merge(aggregateMentions(added).rollups, 1);
  merge(aggregateMentions(removed).rollups, -1);
  return [...out.values()].filter((r) => !isZero(r));
}

/** Every (day, brand, platform, author) the facts are active in: the author-days a restatement re-derives. */
export function authorDaysOf(facts: readonly MentionFact[]): AuthorDayKey[] {
  const out = new Map<string, AuthorDayKey>();
  for (const f of facts) {
    const day = windowStart(f.createdAt, 'day');
    for (const brand of f.brands) {
      const k = `${day}\u0000${brand}\u0000${f.platform}\u0000${f.authorId}`;
      if (!out.has(k)) out.set(k, { day, brand, platform: f.platform, authorId: f.authorId });
    }
  }
  return [...out.values()].sort(compareAuthorDays);
}

/** The activity the facts give each author-day (what `author_days` holds when it is exact). */
export function activityOf(facts: readonly MentionFact[]): AuthorDayActivity[] {
  const out = new Map<string, AuthorDayKey & { set: Set<number> }>();
  for (const f of facts) {
    const day = windowStart(f.createdAt, 'day');
    const minute = (windowStart(f.createdAt, 'minute') - day) / GRAIN_MS.minute;
    for (const brand of f.brands) {
      const k = `${day}\u0000${brand}\u0000${f.platform}\u0000${f.authorId}`;
      let a = out.get(k);
      if (!a) {
        a = { day, brand, platform: f.platform, authorId: f.authorId, set: new Set() };
        out.set(k, a);
      }
      a.set.add(minute);
    }
  }
  return [...out.values()]
    .map(({ set, ...key }) => ({ ...key, minutes: [...set].sort((x, y) => x - y) }))
    .sort(compareAuthorDays);
}

/**
 * How many authors each window gains or loses when author-days go from
 * `before` to `after` (same keys; a missing key is no activity). An author
 * counts in a minute, hour or day while at least one of its minutes falls in
 * it, so it stops counting only when no remaining fact of theirs is there.
 */
export function uniqueAuthorChanges(
  before: readonly AuthorDayActivity[],
  after: readonly AuthorDayActivity[],
): { grain: Grain; brand: string; platform: string; windowStart: number; delta: number }[] {
  const keyOf = (a: AuthorDayKey) =>
    `${a.day}\u0000${a.brand}\u0000${a.platform}\u0000${a.authorId}`;
  const b = new Map(before.map((a) => [keyOf(a), a]));
  const n = new Map(after.map((a) => [keyOf(a), a]));
  const out = new Map<
    string,
    { grain: Grain; brand: string; platform: string; windowStart: number; delta: number }
  >();
  const add = (grain: Grain, key: AuthorDayKey, start: number, delta: number) => {
    const k = rowKey(grain, key.brand, key.platform, start);
    const r = out.get(k);
    if (r) r.delta += delta;
    else out.set(k, { grain, brand: key.brand, platform: key.platform, windowStart: start, delta });
  };
  for (const k of new Set([...b.keys(), ...n.keys()])) {
    const key = (b.get(k) ?? n.get(k))!;
    const was = new Set(b.get(k)?.minutes ?? []);
    const is = new Set(n.get(k)?.minutes ?? []);
    for (const m of was) if (!is.has(m)) add('minute', key, key.day + m * GRAIN_MS.minute, -1);
    for (const m of is) if (!was.has(m)) add('minute', key, key.day + m * GRAIN_MS.minute, 1);
    const hoursWas = new Set([...was].map((m) => Math.floor(m / 60)));
    const hoursIs = new Set([...is].map((m) => Math.floor(m / 60)));
    for (const h of hoursWas)
      if (!hoursIs.has(h)) add('hour', key, key.day + h * GRAIN_MS.hour, -1);
    for (const h of hoursIs) if (!hoursWas.has(h)) add('hour', key, key.day + h * GRAIN_MS.hour, 1);
    if (was.size > 0 && is.size === 0) add('day', key, key.day, -1);
    if (was.size === 0 && is.size > 0) add('day', key, key.day, 1);
  }
  return [...out.values()].filter((r) => r.delta !== 0);
}

/** Counter changes plus unique-author changes, one row per window. */
export function rollupChanges(
  counters: readonly RollupChange[],
  authors: ReturnType<typeof uniqueAuthorChanges>,
): RollupChange[] {
  const out = new Map(
    counters.map((c) => [rowKey(c.grain, c.brand, c.platform, c.windowStart), { ...c }]),
  );
  for (const a of authors) {
    const k = rowKey(a.grain, a.brand, a.platform, a.windowStart);
    let r = out.get(k);
    if (!r) {
      r = zeroChange(a.grain, a.brand, a.platform, a.windowStart);
      out.set(k, r);
    }
    r.uniqueAuthors += a.delta;
  }
  return [...out.values()].filter((r) => !isZero(r));
}

export function zeroChange(
  grain: Grain,
  brand: string,
  platform: string,
  start: number,
): RollupChange {
  return { ...emptyDelta(grain, brand, platform, start), uniqueAuthors: 0 };
}

function isZero(r: RollupChange): boolean {
  return (
    r.uniqueAuthors === 0 &&
    COUNTER_KEYS.every((c) => r[c] === 0) &&
    Object.values(r.intents).every((n) => n === 0)
  );
}

function compareAuthorDays(a: AuthorDayKey, b: AuthorDayKey): number {
  return (
    a.day - b.day ||
    compareText(a.brand, b.brand) ||
    compareText(a.platform, b.platform) ||
    compareText(a.authorId, b.authorId)
  );
}

// ---------------------------------------------------------------- fact edits

/** Blanks the personal and content fields of a fact; every counted value stays. */
export function scrubFact(f: MentionFact, reason: string): MentionFact {
  return {
    ...f,
    text: '',
    title: null,
    url: null,
    authorHandle: '',
    authorName: null,
    scrubbed: f.scrubbed ?? reason,
  };
}

export interface CorrectionInput {
  sentiment?: Exclude<SentimentLabel, 'unknown'> | null;
  /** The corrected score; defaults from the label (see {@link correctedScore}). */
  sentimentScore?: number | null;
  intent?: IntentLabel | null;
}

/**
 * The score a corrected sentiment label counts with when the analyst gives
 * none: the model's own score when its sign already agrees with the label
 * (the magnitude is still the model's best guess), else the label's canonical
 * score (±0.5, 0 for neutral), so averages move with the correction.
 */
export function correctedScore(
  label: Exclude<SentimentLabel, 'unknown'>,
  modelScore: number,
): number {
  if (label === 'neutral') return 0;
  const sign = label === 'positive' ? 1 : -1;
  return Math.sign(modelScore) === sign ? modelScore : sign * 0.5;
}

/** The fact as the correction has it; model_* keep the model's output the first time it is overridden. */
export function applyCorrection(f: MentionFact, c: CorrectionInput): MentionFact {
  const out: MentionFact = { ...f };
  if (c.sentiment) {
    const modelScore = f.modelSentimentScore ?? f.sentimentScore;
    const score = c.sentimentScore ?? correctedScore(c.sentiment, modelScore);
    out.modelSentimentScore = modelScore;
    out.modelSentimentLabel = f.modelSentimentLabel ?? f.sentimentLabel;
    out.sentimentLabel = c.sentiment;
    out.sentimentScore = score;
    out.sentimentMicros = Math.round(score * 1_000_000);
    out.sentimentCorrected = true;
  }
  if (c.intent) {
    out.modelIntentLabel = f.modelIntentLabel ?? f.intentLabel;
    out.intentLabel = c.intent;
    out.intentCorrected = true;
  }
  return out;
}

// ---------------------------------------------------------------- deliveries

/** The stored claim of a mention id. */
export interface MentionKey {
  state: 'counted' | 'removed' | 'pending';
  revision: number;
  /** Deliveries with a revision below this are stored scrubbed (null: none). */
  scrubBelow: number | null;
}

export type Delivery =
  | { action: 'duplicate' }
  | { action: 'suppressed' }
  /** Store the delivery (scrubbed when `scrub`), replacing the counted fact if there is one. */
  | { action: 'restate'; scrub: boolean };

/**
 * What a delivery of a mention does given its stored claim: a tombstone
 * suppresses it; a pending claim (a compliance event came first) lets it
 * count; a higher revision than the counted one restates; the same or a lower
 * revision is a duplicate, as before edits existed.
 */
export function classifyDelivery(revision: number, key: MentionKey): Delivery {
  if (key.state === 'removed') return { action: 'suppressed' };
  const scrub = key.scrubBelow !== null && revision < key.scrubBelow;
  if (key.state === 'pending') return { action: 'restate', scrub };
  if (revision > key.revision) return { action: 'restate', scrub };
  return { action: 'duplicate' };
}

/**
 * Problems with a correction (empty when valid), as `field: reason`. A score
 * must lie in [-1, 1] and agree with its label's sign (positive above 0,
 * negative below); it needs a sentiment label to go with.
 */
export function correctionProblems(c: CorrectionInput): string[] {
  const problems: string[] = [];
  if (!c.sentiment && !c.intent) problems.push('sentiment or intent: give at least one label');
  const s = c.sentimentScore;
  if (s !== undefined && s !== null) {
    if (!c.sentiment) problems.push('sentimentScore: needs a sentiment label');
    if (!Number.isFinite(s) || s < -1 || s > 1)
      problems.push(`sentimentScore: must be within [-1, 1], got ${s}`);
    else if (c.sentiment === 'positive' && s <= 0)
      problems.push(`sentimentScore: a positive label needs a score above 0, got ${s}`);
    else if (c.sentiment === 'negative' && s >= 0)
      problems.push(`sentimentScore: a negative label needs a score below 0, got ${s}`);
  }
  return problems;
}
