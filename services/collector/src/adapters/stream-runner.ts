import { setTimeout as sleep } from 'node:timers/promises';
import { HarkError } from '@hark/errors';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import { backoffDelay } from '../domain/retry-after.ts';
import {
  jetstreamUrl,
  readJetstreamBatch,
  type JetstreamCursor,
} from '../domain/streams/jetstream.ts';
import {
  mastodonBackfillUrl,
  mastodonStreamUrl,
  readMastodonPage,
  readMastodonStream,
  type MastodonStreamCursor,
} from '../domain/streams/mastodon-stream.ts';
import type { StreamBatch } from '../domain/streams/stream-batch.ts';
import type { StreamSpec } from '../domain/streams/stream-spec.ts';
import type { CollectorMetrics } from './collector-metrics.ts';
import type { CursorStore } from './cursor-store.ts';
import type { IngestService } from './ingest.ts';

export interface StreamRunnerDeps {
  streams: readonly StreamSpec[];
  store: CursorStore;
  ingest: IngestService;
  metrics: CollectorMetrics;
  logger: Logger;
  /** This instance's lease owner name. */
  owner: string;
  userAgent: string;
  maxTextLength: number;
  /**
   * Whether a text names a tracked brand (the matcher): a stream not
   * dedicated to a brand counts posts that do not without mapping them.
   */
  mayMatch?: (text: string) => boolean;
  /** Most messages handed to ingest at once, and the longest a message waits for its batch. */
  batchMaxMessages?: number;
  batchMaxWaitMs?: number;
  /** How long a stream's lease lasts; renewed with every checkpoint and while idle. */
  leaseMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  fetch?: typeof fetch;
  random?: () => number;
}

export interface StreamRunner {
  start(): void;
  /** Stops reading, lets the batch in hand become durable and checkpointed, releases the leases. */
  close(): Promise<void>;
}

type Cursor = JetstreamCursor | MastodonStreamCursor | null;

/**
 * Runs the live streams (Bluesky Jetstream, Mastodon streaming timelines).
 * Each stream, on one instance at a time (the poller leases): take the
 * checkpoint, connect from it, and in a loop take the messages received so
 * far (up to a batch), hand them to ingest (which returns once Kafka
 * acknowledged) and only then store the checkpoint. A disconnect reconnects
 * with backoff from the checkpoint; a restart resumes from it. Messages at or
 * before the checkpoint (Jetstream's rewind, Mastodon's backfill overlap)
 * are dropped, so a post is neither lost nor produced twice across
 * reconnects and graceful restarts; a crash between produce and checkpoint
 * re-produces at most one batch, the same mentionIds.
 */
export function createStreamRunner(deps: StreamRunnerDeps): StreamRunner {
  const log = deps.logger.child({ component: 'streams' });
  const random = deps.random ?? Math.random;
  const doFetch = deps.fetch ?? fetch;
  const batchMax = deps.batchMaxMessages ?? 2000;
  const batchWait = deps.batchMaxWaitMs ?? 200;
  const leaseMs = deps.leaseMs ?? 120_000;
  const abort = new AbortController();
  const loops: Promise<void>[] = [];
  let stopped = false;

  async function handle(spec: StreamSpec, batch: StreamBatch<Cursor>): Promise<void> {
    // A stream is a source the collector pulls from, like a poller: same Source kind, its own name.
    const source = { kind: 'poller' as const, name: spec.id };
    if (batch.compliance.length > 0) {
      await deps.ingest.compliance(
        batch.compliance.map((entry) => ({ entry })),
        { source, deadLetterRejected: true },
      );
    }
    if (batch.posts.length > 0) {
      await deps.ingest.mentions(
        batch.posts.map((entry) => ({ entry })),
        { source, brand: spec.brand, deadLetterRejected: true },
      );
    }
    const count = (outcome: string, n: number) => {
      if (n > 0) deps.metrics.streamEvents.inc({ stream: spec.id, outcome }, n);
    };
    count('post', batch.posts.length);
    count('compliance', batch.compliance.length);
    count('ignored', batch.ignored);
    count('replayed', batch.replayed);
    count('unmatched', batch.unmatched);
    if (batch.unmatched > 0) {
      deps.metrics.received.inc({ source: source.kind, type: 'mention' }, batch.unmatched);
      deps.metrics.unmatched.inc({ source: source.kind }, batch.unmatched);
    }
  }

  async function checkpoint(spec: StreamSpec, cursor: Cursor): Promise<void> {
    if (!(await deps.store.save(spec.id, deps.owner, cursor, leaseMs))) {
      throw new HarkError(
        'HARK_POLLER_LEASE_LOST',
        `another instance took over stream ${spec.id}`,
        {
          context: { stream: spec.id },
        },
      );
    }
  }

  function read(spec: StreamSpec, messages: string[], cursor: Cursor): StreamBatch<Cursor> {
    const opts = { maxTextLength: deps.maxTextLength };
    // A stream dedicated to a brand keeps every post (prepareMentions tags them).
    const mayMatch = spec.brand === undefined ? deps.mayMatch : undefined;
    return spec.kind === 'jetstream'
      ? readJetstreamBatch(messages, cursor as JetstreamCursor | null, opts, mayMatch)
      : readMastodonStream(messages, cursor as MastodonStreamCursor | null, opts);
  }

  /** Mastodon: what was posted while disconnected, from the REST timeline, before the stream. */
  async function backfill(
    spec: Extract<StreamSpec, { kind: 'mastodon-stream' }>,
    start: MastodonStreamCursor,
  ): Promise<MastodonStreamCursor> {
    let cursor = start;
    for (let page = 0; page < 10; page++) {
      const url = mastodonBackfillUrl(spec, cursor.lastId);
      const res = await doFetch(url, {
        headers: {
          accept: 'application/json',
          'user-agent': deps.userAgent,
          ...(spec.token ? { authorization: `Bearer ${spec.token}` } : {}),
        },
        signal: AbortSignal.any([AbortSignal.timeout(15_000), abort.signal]),
      });
      if (!res.ok) {
        await res.body?.cancel().catch(() => {});
        throw new HarkError('HARK_POLLER_FETCH_FAILED', `GET ${url} answered ${res.status}`, {
          context: { url, status: res.status },
        });
      }
      const statuses = (await res.json()) as unknown[];
      if (!Array.isArray(statuses) || statuses.length === 0) return cursor;
      const batch = readMastodonPage(statuses, cursor, { maxTextLength: deps.maxTextLength });
      await handle(spec, batch);
      const next = batch.cursor ?? cursor;
      await checkpoint(spec, next);
      if (next.lastId === cursor.lastId) return next;
      cursor = next;
    }
    return cursor;
  }

  /** One connection: read until it closes or the runner stops; resolves with the last checkpoint. */
  async function connection(spec: StreamSpec, start: Cursor): Promise<Cursor> {
    let cursor = start;
    const url =
      spec.kind === 'jetstream'
        ? jetstreamUrl(spec.url, cursor as JetstreamCursor | null)
        : mastodonStreamUrl(spec);
    const headers: Record<string, string> = { 'user-agent': deps.userAgent };
    if (spec.kind === 'mastodon-stream' && spec.token)
      headers.authorization = `Bearer ${spec.token}`;
    const ws = new WebSocket(url, { headers, handshakeTimeout: 15_000 });
    const queue: string[] = [];
    let closed = false;
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    const notify = () => {
      wake?.();
      wake = undefined;
    };
    let paused = false;
    ws.on('message', (data: WebSocket.RawData) => {
      queue.push(data.toString());
      if (queue.length >= batchMax) notify();
      // Back-pressure: stop reading the socket while ingest is behind, so memory stays bounded.
      if (!paused && queue.length >= 10 * batchMax) {
        paused = true;
        ws.pause();
      }
    });
    ws.on('error', (err: Error) => {
      failure = err;
    });
    ws.on('close', () => {
      closed = true;
      notify();
    });
    const onAbort = () => ws.terminate();
    abort.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('close', () => reject(failure ?? new Error(`${url}: closed before it opened`)));
      });
      deps.metrics.streamConnections.inc({ stream: spec.id, outcome: 'opened' });
      log.info({ stream: spec.id, url }, 'stream connected');
      // Opened first, so nothing posted during the backfill is missed: the stream buffers it.
      if (spec.kind === 'mastodon-stream' && cursor)
        cursor = await backfill(spec, cursor as MastodonStreamCursor);
      let lastSave = Date.now();
      for (;;) {
        // Stopping: the batch in hand is checkpointed above; what is still queued is read again
        // from the checkpoint next time (an aborted sleep resolves at once, so check here).
        if (abort.signal.aborted) break;
        if (queue.length === 0 && !closed) {
          await Promise.race([
            new Promise<void>((r) => (wake = r)),
            sleep(batchWait, undefined, { signal: abort.signal }).catch(() => {}),
          ]);
        }
        if (queue.length > 0) {
          const messages = queue.splice(0, batchMax);
          if (paused && queue.length < batchMax) {
            paused = false;
            ws.resume();
          }
          const batch = read(spec, messages, cursor);
          await handle(spec, batch);
          cursor = batch.cursor;
          await checkpoint(spec, cursor);
          lastSave = Date.now();
          continue;
        }
        if (closed) break;
        if (Date.now() - lastSave > leaseMs / 3) {
          await checkpoint(spec, cursor); // renews the lease while the stream is quiet
          lastSave = Date.now();
        }
      }
    } finally {
      abort.signal.removeEventListener('abort', onAbort);
      if (!closed) ws.terminate();
    }
    deps.metrics.streamConnections.inc({ stream: spec.id, outcome: 'closed' });
    if (failure && !stopped) throw failure;
    return cursor;
  }

  async function loop(spec: StreamSpec): Promise<void> {
    let failures = 0;
    while (!stopped) {
      try {
        const lease = await deps.store.acquire(spec.id, spec.kind, deps.owner, leaseMs);
        if (lease.held) {
          await sleep(leaseMs / 4, undefined, { signal: abort.signal });
          continue;
        }
        await connection(spec, (lease.cursor as Cursor) ?? null);
        failures = 0;
        if (stopped) break;
        log.warn({ stream: spec.id }, 'stream closed by the server; reconnecting');
      } catch (err) {
        if (stopped) break;
        failures++;
        deps.metrics.streamConnections.inc({ stream: spec.id, outcome: 'failed' });
        log.warn({ err, stream: spec.id, failures }, 'stream failed; reconnecting with backoff');
      }
      const delay = backoffDelay({
        attempt: Math.max(failures, 1),
        baseMs: deps.backoffBaseMs ?? 1000,
        maxMs: deps.backoffMaxMs ?? 60_000,
        random: random(),
        serverDelayMs: null,
      });
      try {
        await sleep(
          failures === 0 ? Math.min(delay, deps.backoffBaseMs ?? 1000) : delay,
          undefined,
          {
            signal: abort.signal,
          },
        );
      } catch {
        break;
      }
    }
  }

  return {
    start() {
      for (const spec of deps.streams) loops.push(loop(spec));
      if (deps.streams.length > 0)
        log.info({ streams: deps.streams.map((s) => s.id), owner: deps.owner }, 'streams started');
    },
    async close() {
      stopped = true;
      abort.abort();
      await Promise.allSettled(loops);
      await Promise.allSettled(deps.streams.map((s) => deps.store.release(s.id, deps.owner)));
    },
  };
}
