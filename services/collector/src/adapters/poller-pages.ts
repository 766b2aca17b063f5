import { HarkError } from '@hark/errors';
import type { Logger } from 'pino';
import { charsetOf } from '../domain/platforms/feed-text.ts';
import { mapFeed, mapMastodon, mapReddit, type NativeEntry } from '../domain/platforms/index.ts';
import { entryKey, mergeSeen, unseenEntries } from '../domain/pollers/cursors.ts';
import { feedRequestHeaders, type FeedCursor } from '../domain/pollers/feed.ts';
import {
  advanceMastodon,
  mastodonTagUrl,
  type MastodonCursor,
} from '../domain/pollers/mastodon-tag.ts';
import type {
  FeedPoller,
  MastodonTagPoller,
  PollerSpec,
  RedditSearchPoller,
} from '../domain/pollers/poller-spec.ts';
import {
  listingAfter,
  redditSearchUrl,
  type RedditCursor,
} from '../domain/pollers/reddit-search.ts';
import type { SourceHttp } from './source-http.ts';

/** One step of a poll: new items in publish order, and the cursor that covers them. */
export interface Chunk {
  entries: NativeEntry[];
  cursor: unknown;
}

export interface PageDeps {
  http: SourceHttp;
  maxTextLength: number;
  log: Logger;
}

/**
 * What one poll finds since the checkpoint `cursor`, chunk by chunk. The
 * caller makes each chunk durable before it stores the chunk's cursor, so a
 * crash between chunks resumes after the last durable one.
 */
export function pollerChunks(
  spec: PollerSpec,
  cursor: unknown,
  deps: PageDeps,
): AsyncGenerator<Chunk> {
  switch (spec.kind) {
    case 'mastodon-tag':
      return mastodonChunks(spec, (cursor as MastodonCursor | null) ?? null, deps);
    case 'reddit-search':
      return redditChunks(spec, (cursor as RedditCursor | null) ?? null, deps);
    case 'feed':
      return feedChunks(spec, (cursor as FeedCursor | null) ?? null, deps);
  }
}

async function* mastodonChunks(
  spec: MastodonTagPoller,
  start: MastodonCursor | null,
  deps: PageDeps,
): AsyncGenerator<Chunk> {
  let cursor = start;
  for (let page = 0; page < spec.maxPages; page++) {
    const url = mastodonTagUrl(spec, cursor);
    const body = await deps.http.getJson(url);
    if (!Array.isArray(body)) {
      throw new HarkError(
        'HARK_POLLER_FETCH_FAILED',
        `GET ${url} did not return a list of statuses`,
        {
          context: { url },
        },
      );
    }
    const step = advanceMastodon(spec, cursor, body);
    yield {
      entries: mapMastodon(step.statuses, { maxTextLength: deps.maxTextLength }),
      cursor: step.cursor,
    };
    cursor = step.cursor;
    if (!step.more) return;
  }
  deps.log.warn(
    { poller: spec.id, maxPages: spec.maxPages },
    'more statuses remain after maxPages; the next round continues',
  );
}

async function* redditChunks(
  spec: RedditSearchPoller,
  start: RedditCursor | null,
  deps: PageDeps,
): AsyncGenerator<Chunk> {
  const seen = start?.seen ?? [];
  const fresh: NativeEntry[] = [];
  let after: string | undefined;
  for (let page = 0; page < spec.maxPages; page++) {
    const listing = await deps.http.getJson(redditSearchUrl(spec, after));
    const entries = mapReddit(listing, { maxTextLength: deps.maxTextLength });
    const unseen = unseenEntries(entries, [...seen, ...fresh.map(entryKey)]);
    fresh.push(...unseen);
    after = listingAfter(listing);
    // First round: the newest page only. Later: page back until a known post shows up.
    if (start === null || unseen.length < entries.length || !after) break;
    if (page === spec.maxPages - 1) {
      deps.log.warn(
        { poller: spec.id, maxPages: spec.maxPages },
        'no known post within maxPages: older new posts may be missed; poll more often',
      );
    }
  }
  const keys = fresh.map(entryKey);
  yield {
    entries: fresh.reverse(),
    cursor: { seen: mergeSeen(keys, seen) } satisfies RedditCursor,
  };
}

async function* feedChunks(
  spec: FeedPoller,
  start: FeedCursor | null,
  deps: PageDeps,
): AsyncGenerator<Chunk> {
  const res = await deps.http.get(spec.url, feedRequestHeaders(start));
  if (!res) return;
  // Bytes, not res.text(): the feed's charset may be in its XML declaration, not the header.
  const xml = Buffer.from(await res.arrayBuffer());
  const entries = mapFeed(xml, {
    platform: spec.platform,
    maxTextLength: deps.maxTextLength,
    charset: charsetOf(res.headers.get('content-type') ?? undefined),
    baseUrl: spec.url,
  });
  if (entries.length === 1 && 'error' in entries[0]! && entries[0].native === null) {
    throw new HarkError('HARK_POLLER_FETCH_FAILED', `${spec.url}: ${entries[0].error.message}`, {
      context: { url: spec.url },
    });
  }
  const fresh = unseenEntries(entries, start?.seen ?? []);
  const cursor: FeedCursor = { seen: mergeSeen(entries.map(entryKey), start?.seen ?? []) };
  const etag = res.headers.get('etag');
  const lastModified = res.headers.get('last-modified');
  if (etag) cursor.etag = etag;
  if (lastModified) cursor.lastModified = lastModified;
  // Feeds list newest first; publish oldest first.
  yield { entries: fresh.reverse(), cursor };
}
