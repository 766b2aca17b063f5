import type { MastodonTagPoller } from './poller-spec.ts';
import { compareIds } from './cursors.ts';

export interface MastodonCursor {
  /** The newest status id ingested; the next poll asks for statuses right after it. */
  minId: string;
}

/**
 * The tag timeline page after the cursor. `min_id` returns the statuses
 * immediately newer than the cursor (oldest first in time, whatever their
 * order in the page), so following pages forward never skips a burst;
 * `since_id` would return the newest page and silently drop what lies
 * between. Without a cursor the poll starts from the newest page.
 */
export function mastodonTagUrl(spec: MastodonTagPoller, cursor: MastodonCursor | null): string {
  const url = new URL(`/api/v1/timelines/tag/${encodeURIComponent(spec.tag)}`, spec.instance);
  url.searchParams.set('limit', String(spec.limit));
  if (cursor) url.searchParams.set('min_id', cursor.minId);
  return url.toString();
}

/**
 * Orders a page oldest first and advances the cursor to its newest id.
 * `more` says a full page came back after a cursor: there may be another.
 */
export function advanceMastodon(
  spec: MastodonTagPoller,
  cursor: MastodonCursor | null,
  statuses: readonly unknown[],
): { statuses: unknown[]; cursor: MastodonCursor | null; more: boolean } {
  const withIds = statuses.filter(
    (s): s is { id: string } => typeof (s as { id?: unknown })?.id === 'string',
  );
  if (withIds.length === 0) return { statuses: [], cursor, more: false };
  const ordered = [...withIds].sort((a, b) => compareIds(a.id, b.id));
  let newest = ordered[ordered.length - 1]!.id;
  if (cursor && compareIds(cursor.minId, newest) > 0) newest = cursor.minId;
  return {
    statuses: ordered.filter((s) => !cursor || compareIds(s.id, cursor.minId) > 0),
    cursor: { minId: newest },
    more: cursor !== null && statuses.length >= spec.limit,
  };
}
