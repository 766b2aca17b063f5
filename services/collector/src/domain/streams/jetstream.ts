import { splitCompliance } from '../compliance/platform-compliance.ts';
import { mapBluesky } from '../platforms/bluesky.ts';
import type { AdapterOptions } from '../platforms/types.ts';
import { emptyBatch, malformedMessage, type StreamBatch } from './stream-batch.ts';

export interface JetstreamCursor {
  /** time_us of the newest event ingested. */
  timeUs: number;
}

/**
 * How far before the checkpoint a reconnect asks Jetstream to start: its
 * docs advise a few seconds of overlap so a failover between instances
 * (whose clocks differ slightly) leaves no gap. The overlap is dropped
 * again by time_us, so nothing is produced twice.
 */
export const JETSTREAM_REWIND_US = 5_000_000;

/**
 * The subscribe URL: only app.bsky.feed.post commits (identity and account
 * events always come), from the checkpoint when there is one.
 */
export function jetstreamUrl(base: string, cursor: JetstreamCursor | null): string {
  const url = new URL(base);
  url.searchParams.delete('wantedCollections');
  url.searchParams.append('wantedCollections', 'app.bsky.feed.post');
  url.searchParams.delete('cursor');
  if (cursor)
    url.searchParams.set('cursor', String(Math.max(0, cursor.timeUs - JETSTREAM_REWIND_US)));
  return url.toString();
}

/**
 * A new post whose text (with its links' full URLs, as the mapped text will
 * have them) names no tracked brand: nearly all of a firehose. Recognised
 * from the raw event so it costs a JSON parse and a match, not a mapping and
 * a validation.
 */
function isUnmatchedPost(event: unknown, mayMatch: (text: string) => boolean): boolean {
  const e = event as { kind?: unknown; commit?: Record<string, unknown> } | null;
  const c = e?.commit;
  if (e?.kind !== 'commit' || !c || c.collection !== 'app.bsky.feed.post') return false;
  if (c.operation !== 'create') return false;
  const record = c.record as { text?: unknown; facets?: unknown } | undefined;
  if (typeof record?.text !== 'string') return false;
  let text = record.text;
  if (Array.isArray(record.facets)) {
    for (const f of record.facets as { features?: { uri?: unknown }[] }[]) {
      for (const x of f?.features ?? []) if (typeof x?.uri === 'string') text += ` ${x.uri}`;
    }
  }
  return !mayMatch(text);
}

/**
 * Reads a run of Jetstream messages: post commits become posts, post
 * deletions and account events compliance items, everything else is skipped
 * and counted. Events at or before the checkpoint were ingested before (the
 * rewind, or a reconnect) and are dropped. With `mayMatch`, new posts that
 * name no tracked brand are only counted. Pure.
 */
export function readJetstreamBatch(
  messages: readonly string[],
  cursor: JetstreamCursor | null,
  opts: AdapterOptions = {},
  mayMatch?: (text: string) => boolean,
): StreamBatch<JetstreamCursor | null> {
  const out: StreamBatch<JetstreamCursor | null> = emptyBatch(cursor);
  let newest = cursor?.timeUs ?? -1;
  for (const raw of messages) {
    let event: unknown;
    try {
      event = JSON.parse(raw);
    } catch (err) {
      out.posts.push(malformedMessage(raw, err));
      continue;
    }
    const timeUs = (event as { time_us?: unknown } | null)?.time_us;
    if (typeof timeUs === 'number') {
      if (cursor && timeUs <= cursor.timeUs) {
        out.replayed++;
        continue;
      }
      if (timeUs > newest) newest = timeUs;
    }
    if (mayMatch && isUnmatchedPost(event, mayMatch)) {
      out.unmatched++;
      continue;
    }
    const split = splitCompliance('bluesky', event);
    out.compliance.push(...split.compliance);
    out.posts.push(...split.posts);
    out.ignored += split.ignored;
    if (split.remainder !== undefined) out.posts.push(...mapBluesky(split.remainder, opts));
  }
  if (newest >= 0) out.cursor = { timeUs: newest };
  return out;
}
