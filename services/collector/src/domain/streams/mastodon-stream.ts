import { splitCompliance } from '../compliance/platform-compliance.ts';
import { mapMastodon } from '../platforms/mastodon.ts';
import type { AdapterOptions } from '../platforms/types.ts';
import { compareIds, mergeSeen } from '../pollers/cursors.ts';
import type { MastodonStreamSpec } from './stream-spec.ts';
import { emptyBatch, malformedMessage, type StreamBatch } from './stream-batch.ts';

export interface MastodonStreamCursor {
  /** The newest status id ingested: the REST backfill after a gap starts right after it. */
  lastId: string;
  /**
   * Recent status ids, newest first: a federated status gets an id from its
   * own creation time, so it may arrive "older" than lastId; the seen-set,
   * not the order, decides what is a repeat.
   */
  seen: string[];
}

const STREAM_NAME = { public: 'public', local: 'public:local', hashtag: 'hashtag' } as const;

/** The streaming WebSocket URL of a timeline (the token goes in a header, not the URL). */
export function mastodonStreamUrl(spec: MastodonStreamSpec): string {
  const url = new URL('/api/v1/streaming', spec.instance);
  url.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:';
  url.searchParams.set('stream', STREAM_NAME[spec.timeline]);
  if (spec.timeline === 'hashtag' && spec.tag) url.searchParams.set('tag', spec.tag);
  return url.toString();
}

/**
 * The REST page of the same timeline right after the checkpoint: Mastodon's
 * stream has no cursor, so what was posted while disconnected is fetched
 * (min_id pages forward, oldest first) before the buffered stream is read.
 */
export function mastodonBackfillUrl(spec: MastodonStreamSpec, minId: string, limit = 40): string {
  const path =
    spec.timeline === 'hashtag'
      ? `/api/v1/timelines/tag/${encodeURIComponent(spec.tag ?? '')}`
      : '/api/v1/timelines/public';
  const url = new URL(path, spec.instance);
  if (spec.timeline === 'local') url.searchParams.set('local', 'true');
  url.searchParams.set('limit', String(limit));
  url.searchParams.set('min_id', minId);
  return url.toString();
}

/**
 * Reads a run of streaming messages (`{ event, payload }`, payload a JSON
 * string): `update` is a new status, `status.update` an edit (compliance
 * `post_edited` plus the edited status); `delete` names only the server's
 * local id, which is not the post's identity (its uri), and is skipped and
 * counted like every other event. Statuses already seen are dropped. Pure.
 */
export function readMastodonStream(
  messages: readonly string[],
  cursor: MastodonStreamCursor | null,
  opts: AdapterOptions = {},
): StreamBatch<MastodonStreamCursor | null> {
  const statuses: { event: string; status: unknown }[] = [];
  let ignored = 0;
  const malformed = [];
  for (const raw of messages) {
    let msg: { event?: unknown; payload?: unknown };
    try {
      msg = JSON.parse(raw) as typeof msg;
      if (
        (msg.event === 'update' || msg.event === 'status.update') &&
        typeof msg.payload === 'string'
      ) {
        statuses.push({ event: msg.event, status: JSON.parse(msg.payload) });
      } else {
        ignored++;
      }
    } catch (err) {
      malformed.push(malformedMessage(raw, err));
    }
  }
  const out = readStatuses(statuses, cursor, opts);
  out.ignored += ignored;
  out.posts.unshift(...malformed);
  return out;
}

/** A REST timeline page (newest first, as Mastodon returns it) read like stream updates. */
export function readMastodonPage(
  page: readonly unknown[],
  cursor: MastodonStreamCursor | null,
  opts: AdapterOptions = {},
): StreamBatch<MastodonStreamCursor | null> {
  const ordered = [...page]
    .filter((s): s is { id: string } => typeof (s as { id?: unknown })?.id === 'string')
    .sort((a, b) => compareIds(a.id, b.id));
  return readStatuses(
    ordered.map((status) => ({ event: 'update', status })),
    cursor,
    opts,
  );
}

function readStatuses(
  statuses: readonly { event: string; status: unknown }[],
  cursor: MastodonStreamCursor | null,
  opts: AdapterOptions,
): StreamBatch<MastodonStreamCursor | null> {
  const out: StreamBatch<MastodonStreamCursor | null> = emptyBatch(cursor);
  const seen = new Set(cursor?.seen ?? []);
  const fresh: string[] = [];
  let lastId = cursor?.lastId;
  for (const { event, status } of statuses) {
    const id = (status as { id?: unknown } | null)?.id;
    const edited = event === 'status.update';
    // An edit of a status seen before is new information; a repeated update is not.
    const key = typeof id === 'string' ? (edited ? `${id}:${editedAt(status)}` : id) : undefined;
    if (key !== undefined && seen.has(key)) {
      out.replayed++;
      continue;
    }
    if (key !== undefined) {
      seen.add(key);
      fresh.unshift(key);
    }
    if (typeof id === 'string' && (lastId === undefined || compareIds(id, lastId) > 0)) lastId = id;
    if (edited) {
      const split = splitCompliance('mastodon', { event: 'status.updated', object: status });
      out.compliance.push(...split.compliance);
      if (split.remainder !== undefined) out.posts.push(...mapMastodon(status, opts));
    } else {
      out.posts.push(...mapMastodon(status, opts));
    }
  }
  if (lastId !== undefined) out.cursor = { lastId, seen: mergeSeen(fresh, cursor?.seen ?? []) };
  return out;
}

function editedAt(status: unknown): string {
  const v = (status as { edited_at?: unknown } | null)?.edited_at;
  return typeof v === 'string' ? v : '';
}
