import { setTimeout as sleep } from 'node:timers/promises';
import { HarkError, isHarkError } from '@hark/errors';
import type { Logger } from 'pino';
import { parseTimestamp } from '../domain/fields.ts';
import { charsetOf } from '../domain/platforms/feed-text.ts';
import { mapFeed, mapMastodon, mapReddit, type NativeEntry } from '../domain/platforms/index.ts';
import { entryKey, mergeSeen, unseenEntries } from '../domain/pollers/cursors.ts';
import { feedRequestHeaders, type FeedCursor } from '../domain/pollers/feed.ts';
import {
  advanceMastodon,
  mastodonTagUrl,
  type MastodonCursor,
} from '../domain/pollers/mastodon-tag.ts';
import type { PollerSpec } from '../domain/pollers/poller-spec.ts';
import {
  listingAfter,
  redditSearchUrl,
  type RedditCursor,
} from '../domain/pollers/reddit-search.ts';
import { backoffDelay, parseRetryAfter } from '../domain/retry-after.ts';
import type { CollectorMetrics } from './collector-metrics.ts';
import type { CursorStore } from './cursor-store.ts';
import type { IngestService } from './ingest.ts';

export interface PollerRunnerDeps {
  pollers: readonly PollerSpec[];
  store: CursorStore;
  ingest: IngestService;
  metrics: CollectorMetrics;
  logger: Logger;
  /** This instance's lease owner name (host and pid by default). */
  owner: string;
  userAgent: string;
  maxTextLength: number;
  requestTimeoutMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
  random?: () => number;
  /** Waits between rounds; injected by tests to see the delays. Rejects when aborted. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface PollResult {
  outcome: 'ok' | 'not_modified' | 'lease_held';
  /** Items handed to ingest (new since the checkpoint). */
  items: number;
  accepted: number;
}

export interface PollerRunner {
  /** Starts every poller's loop; each polls at once, then every intervalSeconds. */
  start(): void;
  /** One poll of one poller, outside the loop (tests, admin). */
  pollOnce(id: string): Promise<PollResult>;
  /** Stops the loops after their current round and releases the leases. */
  close(): Promise<void>;
}

/** One step of a poll: new items in publish order, and the cursor that covers them. */
interface Chunk {
  entries: NativeEntry[];
  cursor: unknown;
}

/**
 * Runs the configured pollers. Each round: take the poller's lease and
 * checkpoint from PostgreSQL, fetch what is new since the checkpoint, hand it
 * to ingest (which returns once Kafka acknowledged), and only then store the
 * new checkpoint. A crash before the checkpoint re-fetches the same items
 * (the same mentionIds, so downstream sees one mention each); a crash after
 * it loses nothing. Failures back off exponentially, and a 429 or 503 waits
 * as long as the server's Retry-After says.
 */
export function createPollerRunner(deps: PollerRunnerDeps): PollerRunner {
  const log = deps.logger.child({ component: 'pollers' });
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const doFetch = deps.fetch ?? fetch;
  const wait =
    deps.sleep ?? ((ms: number, signal: AbortSignal) => sleep(ms, undefined, { signal }));
  const requestTimeoutMs = deps.requestTimeoutMs ?? 15_000;
  const byId = new Map(deps.pollers.map((p) => [p.id, p]));
  const abort = new AbortController();
  const loops: Promise<void>[] = [];
  let stopped = false;

  const leaseMs = (spec: PollerSpec) => Math.max(3 * spec.intervalMs, 120_000);

  async function get(url: string, headers: Record<string, string>): Promise<Response | null> {
    let res: Response;
    try {
      res = await doFetch(url, {
        headers: { 'user-agent': deps.userAgent, ...headers },
        signal: AbortSignal.any([AbortSignal.timeout(requestTimeoutMs), abort.signal]),
        redirect: 'follow',
      });
    } catch (err) {
      throw new HarkError(
        'HARK_POLLER_FETCH_FAILED',
        `GET ${url} failed: ${(err as Error).message}`,
        {
          cause: err,
          context: { url },
        },
      );
    }
    if (res.status === 304) return null;
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      const retryAfterMs =
        parseRetryAfter(res.headers.get('retry-after'), now()) ??
        (res.status === 429 ? parseRetryAfter(res.headers.get('x-ratelimit-reset'), now()) : null);
      throw new HarkError('HARK_POLLER_FETCH_FAILED', `GET ${url} answered ${res.status}`, {
        context: { url, status: res.status, retryAfterMs },
      });
    }
    return res;
  }

  async function getJson(url: string): Promise<unknown> {
    const res = await get(url, { accept: 'application/json' });
    if (!res) return null;
    try {
      return await res.json();
    } catch (err) {
      throw new HarkError('HARK_POLLER_FETCH_FAILED', `GET ${url} returned invalid JSON`, {
        cause: err,
        context: { url },
      });
    }
  }

  async function* mastodonChunks(
    spec: Extract<PollerSpec, { kind: 'mastodon-tag' }>,
    start: MastodonCursor | null,
  ): AsyncGenerator<Chunk> {
    let cursor = start;
    for (let page = 0; page < spec.maxPages; page++) {
      const url = mastodonTagUrl(spec, cursor);
      const body = await getJson(url);
      if (!Array.isArray(body)) {
        throw new HarkError(
          'HARK_POLLER_FETCH_FAILED',
          `GET ${url} did not return a list of statuses`,
          { context: { url } },
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
    log.warn(
      { poller: spec.id, maxPages: spec.maxPages },
      'more statuses remain after maxPages; the next round continues',
    );
  }

  async function* redditChunks(
    spec: Extract<PollerSpec, { kind: 'reddit-search' }>,
    start: RedditCursor | null,
  ): AsyncGenerator<Chunk> {
    const seen = start?.seen ?? [];
    const fresh: NativeEntry[] = [];
    let after: string | undefined;
    for (let page = 0; page < spec.maxPages; page++) {
      const listing = await getJson(redditSearchUrl(spec, after));
      const entries = mapReddit(listing, { maxTextLength: deps.maxTextLength });
      const unseen = unseenEntries(entries, [...seen, ...fresh.map(entryKey)]);
      fresh.push(...unseen);
      after = listingAfter(listing);
      // First round: the newest page only. Later: page back until a known post shows up.
      if (start === null || unseen.length < entries.length || !after) break;
      if (page === spec.maxPages - 1) {
        log.warn(
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
    spec: Extract<PollerSpec, { kind: 'feed' }>,
    start: FeedCursor | null,
  ): AsyncGenerator<Chunk> {
    const res = await get(spec.url, feedRequestHeaders(start));
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

  function chunks(spec: PollerSpec, cursor: unknown): AsyncGenerator<Chunk> {
    switch (spec.kind) {
      case 'mastodon-tag':
        return mastodonChunks(spec, (cursor as MastodonCursor | null) ?? null);
      case 'reddit-search':
        return redditChunks(spec, (cursor as RedditCursor | null) ?? null);
      case 'feed':
        return feedChunks(spec, (cursor as FeedCursor | null) ?? null);
    }
  }

  async function pollOnce(id: string): Promise<PollResult> {
    const spec = byId.get(id);
    if (!spec) throw new Error(`no poller "${id}"`);
    const lease = await deps.store.acquire(spec.id, spec.kind, deps.owner, leaseMs(spec));
    if (lease.held) {
      deps.metrics.pollsTotal.inc({ poller: spec.id, outcome: 'lease_held' });
      return { outcome: 'lease_held', items: 0, accepted: 0 };
    }
    let items = 0;
    let accepted = 0;
    let chunksSeen = 0;
    for await (const chunk of chunks(spec, lease.cursor)) {
      chunksSeen++;
      if (chunk.entries.length > 0) {
        const collectedAt = now();
        const outcome = await deps.ingest.mentions(
          chunk.entries.map((entry) => ({ entry })),
          {
            source: { kind: 'poller', name: spec.id },
            brand: spec.brand,
            deadLetterRejected: true,
          },
        );
        items += chunk.entries.length;
        accepted += outcome.accepted;
        for (const e of chunk.entries) {
          const created = 'post' in e ? parseTimestamp(e.post.createdAt) : NaN;
          if (typeof created === 'number' && created <= collectedAt) {
            deps.metrics.pollerItemDelay.observe(
              { poller: spec.id },
              (collectedAt - created) / 1000,
            );
          }
        }
      }
      if (!(await deps.store.save(spec.id, deps.owner, chunk.cursor, leaseMs(spec)))) {
        throw new HarkError(
          'HARK_POLLER_LEASE_LOST',
          `another instance took over poller ${spec.id}`,
          { context: { poller: spec.id } },
        );
      }
    }
    deps.metrics.pollerLastSuccess.set(spec.id, now());
    const outcome = chunksSeen === 0 ? 'not_modified' : 'ok';
    deps.metrics.pollsTotal.inc({ poller: spec.id, outcome });
    if (items > 0) log.info({ poller: spec.id, items, accepted }, 'polled');
    return { outcome, items, accepted };
  }

  async function loop(spec: PollerSpec): Promise<void> {
    let failures = 0;
    while (!stopped) {
      let delay = spec.intervalMs;
      try {
        await pollOnce(spec.id);
        failures = 0;
      } catch (err) {
        if (stopped) break;
        failures++;
        const ctx = isHarkError(err) ? err.context : {};
        const status = typeof ctx.status === 'number' ? ctx.status : undefined;
        delay = backoffDelay({
          attempt: failures,
          status,
          serverDelayMs: typeof ctx.retryAfterMs === 'number' ? ctx.retryAfterMs : null,
          baseMs: Math.min(deps.backoffBaseMs ?? 2000, spec.intervalMs),
          maxMs: Math.max(deps.backoffMaxMs ?? 15 * 60_000, spec.intervalMs),
          random: random(),
        });
        const outcome = status === 429 ? 'rate_limited' : 'failed';
        deps.metrics.pollsTotal.inc({ poller: spec.id, outcome });
        log.warn({ err, poller: spec.id, failures, retryInMs: delay }, 'poll failed; backing off');
      }
      try {
        await wait(delay, abort.signal);
      } catch {
        break;
      }
    }
  }

  return {
    pollOnce,
    start() {
      for (const spec of deps.pollers) {
        deps.metrics.pollerLastSuccess.set(spec.id, now());
        loops.push(loop(spec));
      }
      if (deps.pollers.length > 0)
        log.info({ pollers: deps.pollers.map((p) => p.id), owner: deps.owner }, 'pollers started');
    },
    async close() {
      stopped = true;
      abort.abort();
      await Promise.allSettled(loops);
      await Promise.allSettled(deps.pollers.map((p) => deps.store.release(p.id, deps.owner)));
    },
  };
}
