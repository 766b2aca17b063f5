import type { Mention, ResolvedMention, ScoredMention } from './types.generated.ts';

/**
 * Contract checks a consumer runs on every decoded record, as strictly as the
 * collector validates what it accepts: Avro lets a producer that bypassed the
 * collector write NaN, ±Infinity, −1e308 or a mentionId that is not
 * `platform:postId`, and such a value would reach the facts and rollups. Each
 * function returns the problems (field and reason), empty when the record
 * keeps the contract; the stage loop dead-letters the rest.
 */
export type EventProblems = string[];

const PLATFORM = /^[a-z0-9._-]{1,32}$/;
/** Largest absolute CRM customer value accepted: sums of a few million of them stay exact. */
export const MAX_CUSTOMER_VALUE = 1e12;
/** Times are epoch ms; how late or early is each stage's own rule (rollup lateness), finite is the contract. */
const MIN_TIME = -Number.MAX_VALUE;
const MAX_TIME = Number.MAX_VALUE;

// A field's path is worded only when it has a problem: these run on every record of every stage.
const pathOf = (at: string, field: string): string => (at === '' ? field : `${at}.${field}`);

function finiteIn(
  problems: EventProblems,
  at: string,
  field: string,
  v: unknown,
  min: number,
  max: number,
): void {
  if (typeof v !== 'number' || !Number.isFinite(v))
    problems.push(`${pathOf(at, field)} is not a finite number (${String(v)})`);
  else if (v < min || v > max)
    problems.push(`${pathOf(at, field)} is ${v}, outside [${min}, ${max}]`);
}

function count(problems: EventProblems, at: string, field: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    problems.push(`${pathOf(at, field)} must be a whole number ≥ 0, got ${String(v)}`);
}

/** `platform:postId`, compared without building it. */
function isMentionIdOf(m: Mention): boolean {
  const id = m.mentionId;
  const n = m.platform.length;
  return (
    id.length === n + 1 + m.postId.length &&
    id.charCodeAt(n) === 58 && // ':'
    id.startsWith(m.platform) &&
    id.endsWith(m.postId)
  );
}

export function checkMention(m: Mention, at = 'mention'): EventProblems {
  const problems: EventProblems = [];
  if (!PLATFORM.test(m.platform))
    problems.push(`${at}.platform "${m.platform}" is not lower-case [a-z0-9._-], ≤ 32`);
  if (m.postId === '' || m.postId.includes('\u0000'))
    problems.push(`${at}.postId is empty or holds a NUL`);
  if (!isMentionIdOf(m))
    problems.push(
      `${at}.mentionId "${m.mentionId}" is not platform:postId ("${m.platform}:${m.postId}")`,
    );
  if (m.author.id === '' || m.author.id.includes('\u0000'))
    problems.push(`${at}.author.id is empty or holds a NUL`);
  count(problems, at, 'author.followers', m.author.followers);
  if (m.rating !== null) finiteIn(problems, at, 'rating', m.rating, 1, 5);
  finiteIn(problems, at, 'createdAt', m.createdAt, MIN_TIME, MAX_TIME);
  finiteIn(problems, at, 'collectedAt', m.collectedAt, MIN_TIME, MAX_TIME);
  count(problems, at, 'revision', m.revision);
  count(problems, at, 'engagement.likes', m.engagement.likes);
  count(problems, at, 'engagement.shares', m.engagement.shares);
  count(problems, at, 'engagement.replies', m.engagement.replies);
  count(problems, at, 'engagement.views', m.engagement.views);
  return problems;
}

export function checkScoredMention(s: ScoredMention): EventProblems {
  const problems = checkMention(s.mention);
  finiteIn(problems, '', 'sentiment.score', s.sentiment.score, -1, 1);
  finiteIn(problems, '', 'intent.confidence', s.intent.confidence, 0, 1);
  finiteIn(problems, '', 'scoredAt', s.scoredAt, MIN_TIME, MAX_TIME);
  return problems;
}

export function checkResolvedMention(r: ResolvedMention): EventProblems {
  const problems = checkScoredMention(r);
  finiteIn(problems, '', 'customer.confidence', r.customer.confidence, 0, 1);
  if (r.customer.customerValue !== null)
    finiteIn(
      problems,
      '',
      'customer.customerValue',
      r.customer.customerValue,
      -MAX_CUSTOMER_VALUE,
      MAX_CUSTOMER_VALUE,
    );
  finiteIn(problems, '', 'influence.score', r.influence.score, 0, 1);
  finiteIn(problems, '', 'resolvedAt', r.resolvedAt, MIN_TIME, MAX_TIME);
  return problems;
}
