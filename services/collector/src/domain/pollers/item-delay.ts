import { parseTimestamp } from '../fields.ts';
import type { NativeEntry } from '../platforms/types.ts';

/**
 * Seconds from each post's createdAt to its collection, for the poller delay
 * histogram. Refused items and posts dated after `collectedAt` (clock skew)
 * say nothing about the delay and are left out.
 */
export function itemDelaysSeconds(entries: readonly NativeEntry[], collectedAt: number): number[] {
  const delays: number[] = [];
  for (const e of entries) {
    const created = 'post' in e ? parseTimestamp(e.post.createdAt) : NaN;
    if (typeof created === 'number' && created <= collectedAt)
      delays.push((collectedAt - created) / 1000);
  }
  return delays;
}
