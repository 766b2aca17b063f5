import { HarkError } from '@hark/errors';

export interface LatenessPolicy {
  /** How far behind the processing clock an event may be and still update its windows. */
  latenessMs: number;
  /** How far ahead of the processing clock an event may be (clock skew between sources). */
  futureToleranceMs: number;
}

/**
 * Decides whether an event time is still accepted, against the processing
 * clock `nowMs`. Returns the error that sends the record to the DLQ, or
 * undefined when the event counts. The bounds are inclusive.
 */
export function checkEventTime(
  eventTimeMs: number,
  nowMs: number,
  policy: LatenessPolicy,
  what = 'event',
): HarkError | undefined {
  const behindMs = nowMs - eventTimeMs;
  if (behindMs > policy.latenessMs) {
    return new HarkError(
      'HARK_ROLLUP_TOO_LATE',
      `${what} time ${iso(eventTimeMs)} is ${formatSpan(behindMs)} behind the clock, beyond the allowed lateness of ${formatSpan(policy.latenessMs)}`,
      { context: { eventTime: eventTimeMs, now: nowMs, latenessMs: policy.latenessMs } },
    );
  }
  if (-behindMs > policy.futureToleranceMs) {
    return new HarkError(
      'HARK_ROLLUP_IN_FUTURE',
      `${what} time ${iso(eventTimeMs)} is ${formatSpan(-behindMs)} ahead of the clock, beyond the tolerance of ${formatSpan(policy.futureToleranceMs)}`,
      {
        context: {
          eventTime: eventTimeMs,
          now: nowMs,
          futureToleranceMs: policy.futureToleranceMs,
        },
      },
    );
  }
  return undefined;
}

function iso(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

/** `8d 3h 2m`-style text for a span, to the second. */
export function formatSpan(ms: number): string {
  let s = Math.round(Math.abs(ms) / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)}${unit}`);
      s %= size;
    }
  }
  if (s > 0 || parts.length === 0) parts.push(`${s}s`);
  return parts.join(' ');
}
