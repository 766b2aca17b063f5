import { IntentLabelSymbols, type IntentLabel } from '@hark/events';
import type { MentionFact } from './mention-fact.ts';
import { GRAIN_MS, windowStart, type Grain } from './windows.ts';

/** One `intent_<label>` counter column per intent of the event schema. */
export const INTENTS = IntentLabelSymbols;

/** What one batch adds to one rollup row: (grain, brand, platform, window). */
export interface MentionRollupDelta {
  grain: Grain;
  brand: string;
  platform: string;
  /** Window start, epoch ms UTC. */
  windowStart: number;
  mentions: number;
  positive: number;
  neutral: number;
  negative: number;
  unknownSentiment: number;
  /** Sum of scored (not `unknown`) sentiment, in integer millionths. */
  sentimentMicros: number;
  likes: number;
  shares: number;
  replies: number;
  views: number;
  /** Sum of author followers over the mentions. */
  reach: number;
  customerMentions: number;
  prospectMentions: number;
  intents: Record<IntentLabel, number>;
}

/**
 * An author active in one minute of a UTC day for a brand and platform. The
 * store keeps one row per author and day with a bit per minute and per hour,
 * and counts an author for a window when that window's bit was not set yet.
 */
export interface AuthorMinute {
  /** Start of the UTC day, epoch ms. */
  day: number;
  brand: string;
  platform: string;
  authorId: string;
  /** 0 … 1439. */
  minuteOfDay: number;
}

export interface MentionAggregate {
  rollups: MentionRollupDelta[];
  authors: AuthorMinute[];
}

/**
 * Pre-aggregates facts into one delta per (grain, brand, platform, window)
 * and the distinct (brand, platform, author, minute) activity the store
 * turns into unique-author counts. A mention matching several brands counts
 * once for each. The caller passes only facts that are new to the store, so
 * re-delivered mentions never reach this function. Order is unspecified: the
 * store writes rows in key order itself.
 */
export function aggregateMentions(facts: readonly MentionFact[]): MentionAggregate {
  const rollups = new Map<string, MentionRollupDelta>();
  const authors = new Map<string, AuthorMinute>();
  for (const f of facts) {
    const minute = windowStart(f.createdAt, 'minute');
    const hour = windowStart(f.createdAt, 'hour');
    const day = windowStart(f.createdAt, 'day');
    const minuteOfDay = (minute - day) / GRAIN_MS.minute;
    for (const brand of f.brands) {
      const prefix = `${brand}\u0000${f.platform}\u0000`;
      addTo(rollups, `m${prefix}${minute}`, 'minute', brand, f, minute);
      addTo(rollups, `h${prefix}${hour}`, 'hour', brand, f, hour);
      addTo(rollups, `d${prefix}${day}`, 'day', brand, f, day);
      const authorKey = `${prefix}${f.authorId}\u0000${minute}`;
      if (!authors.has(authorKey)) {
        authors.set(authorKey, {
          day,
          brand,
          platform: f.platform,
          authorId: f.authorId,
          minuteOfDay,
        });
      }
    }
  }
  return { rollups: [...rollups.values()], authors: [...authors.values()] };
}

function addTo(
  rollups: Map<string, MentionRollupDelta>,
  key: string,
  grain: Grain,
  brand: string,
  f: MentionFact,
  start: number,
): void {
  let d = rollups.get(key);
  if (!d) {
    d = emptyDelta(grain, brand, f.platform, start);
    rollups.set(key, d);
  }
  addFact(d, f);
}

/** A delta of zeros for one window, brand and platform. */
export function emptyDelta(
  grain: Grain,
  brand: string,
  platform: string,
  start: number,
): MentionRollupDelta {
  return {
    grain,
    brand,
    platform,
    windowStart: start,
    mentions: 0,
    positive: 0,
    neutral: 0,
    negative: 0,
    unknownSentiment: 0,
    sentimentMicros: 0,
    likes: 0,
    shares: 0,
    replies: 0,
    views: 0,
    reach: 0,
    customerMentions: 0,
    prospectMentions: 0,
    intents: {
      complaint: 0,
      question: 0,
      praise: 0,
      suggestion: 0,
      purchase_intent: 0,
      churn_risk: 0,
      other: 0,
    },
  };
}

function addFact(d: MentionRollupDelta, f: MentionFact): void {
  d.mentions++;
  switch (f.sentimentLabel) {
    case 'positive':
      d.positive++;
      break;
    case 'neutral':
      d.neutral++;
      break;
    case 'negative':
      d.negative++;
      break;
    default:
      d.unknownSentiment++;
  }
  // An unscored language carries no polarity; adding its 0 would drag averages toward neutral.
  if (f.sentimentLabel !== 'unknown') d.sentimentMicros += f.sentimentMicros;
  d.likes += f.likes;
  d.shares += f.shares;
  d.replies += f.replies;
  d.views += f.views;
  d.reach += f.authorFollowers;
  if (f.isCustomer) d.customerMentions++;
  else d.prospectMentions++;
  d.intents[f.intentLabel] = (d.intents[f.intentLabel] ?? 0) + 1;
}

/** Code-unit order, which matches PostgreSQL's `COLLATE "C"` for the ASCII ids hark uses. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Integer millionths as an exact decimal string for a `numeric` column (e.g. -1500000 → "-1.500000"). */
export function microsToDecimal(micros: number): string {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(micros);
  const whole = Math.floor(abs / 1_000_000);
  const frac = String(abs % 1_000_000).padStart(6, '0');
  return `${sign}${whole}.${frac}`;
}
