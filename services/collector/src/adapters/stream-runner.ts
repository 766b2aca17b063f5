import { backoffDelay } from '../domain/retry-after.ts';
import type { MastodonStreamCursor } from '../domain/streams/mastodon-stream.ts';
import {
  readStreamMessages,
  streamEndpoint,
  type StreamCursor,
} from '../domain/streams/stream-kind.ts';
import type { StreamSpec } from '../domain/streams/stream-spec.ts';
import { backfillMastodon } from './mastodon-backfill.ts';
import { openMessageSocket } from './message-socket.ts';
import { createStreamDelivery } from './stream-delivery.ts';
import { createSourceHttp } from './source-http.ts';
import { createSourceLeases } from './source-leases.ts';
import { createSourceLoops, repeatUntilStopped, type SourceRunnerDeps } from './source-loops.ts';

export interface StreamRunnerDeps extends SourceRunnerDeps {
  streams: readonly StreamSpec[];
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
}

export interface StreamRunner {
  start(): void;
  /** Stops reading, lets the batch in hand become durable and checkpointed, releases the leases. */
  close(): Promise<void>;
}

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
  const batchMax = deps.batchMaxMessages ?? 2000;
  const batchWait = deps.batchMaxWaitMs ?? 200;
  const leaseMs = deps.leaseMs ?? 120_000;
  const backoffBaseMs = deps.backoffBaseMs ?? 1000;
  const loops = createSourceLoops();
  const leases = createSourceLeases({ store: deps.store, owner: deps.owner, noun: 'stream' });
  const http = createSourceHttp({
    userAgent: deps.userAgent,
    timeoutMs: 15_000,
    signal: loops.signal,
    fetch: deps.fetch,
  });
  const opts = { maxTextLength: deps.maxTextLength };
  const deliver = createStreamDelivery({ ...deps, leases, leaseMs });

  /** One connection: read until it closes or the runner stops; resolves with the last checkpoint. */
  async function connection(spec: StreamSpec, start: StreamCursor): Promise<StreamCursor> {
    let cursor = start;
    const { url, headers } = streamEndpoint(spec, cursor, deps.userAgent);
    const socket = openMessageSocket({ url, headers, batchMax, signal: loops.signal });
    try {
      await socket.opened();
      deps.metrics.streamConnections.inc({ stream: spec.id, outcome: 'opened' });
      log.info({ stream: spec.id, url }, 'stream connected');
      // Opened first, so nothing posted during the backfill is missed: the stream buffers it.
      if (spec.kind === 'mastodon-stream' && cursor) {
        const backfill = { spec, http, ...opts, start: cursor as MastodonStreamCursor };
        cursor = await backfillMastodon({ ...backfill, deliver: (b) => deliver(spec, b) });
      }
      let lastSave = Date.now();
      // Stopping: the batch in hand is checkpointed; what is still queued is read again
      // from the checkpoint next time (an aborted wait resolves at once, so check here).
      while (!loops.stopped) {
        const messages = await socket.take(batchWait);
        if (messages.length > 0) {
          const batch = readStreamMessages(spec, messages, cursor, opts, deps.mayMatch);
          await deliver(spec, batch);
          cursor = batch.cursor;
          lastSave = Date.now();
        } else if (socket.closed) {
          break;
        } else if (Date.now() - lastSave > leaseMs / 3) {
          await leases.save(spec.id, cursor, leaseMs); // renews the lease while the stream is quiet
          lastSave = Date.now();
        }
      }
    } finally {
      socket.close();
    }
    deps.metrics.streamConnections.inc({ stream: spec.id, outcome: 'closed' });
    if (socket.failure && !loops.stopped) throw socket.failure;
    return cursor;
  }

  const backoff = (failures: number) =>
    backoffDelay({
      attempt: Math.max(failures, 1),
      baseMs: backoffBaseMs,
      maxMs: deps.backoffMaxMs ?? 60_000,
      random: random(),
      serverDelayMs: null,
    });

  const run = (spec: StreamSpec) =>
    repeatUntilStopped({
      signal: loops.signal,
      async round() {
        const checkpoint = await leases.waitFor(spec.id, spec.kind, leaseMs, loops.signal);
        await connection(spec, (checkpoint as StreamCursor) ?? null);
        if (!loops.stopped)
          log.warn({ stream: spec.id }, 'stream closed by the server; reconnecting');
        return Math.min(backoff(0), backoffBaseMs);
      },
      onFailure(err, failures) {
        deps.metrics.streamConnections.inc({ stream: spec.id, outcome: 'failed' });
        log.warn({ err, stream: spec.id, failures }, 'stream failed; reconnecting with backoff');
        return backoff(failures);
      },
    });

  return {
    start() {
      for (const spec of deps.streams) loops.spawn(run(spec));
      if (deps.streams.length > 0)
        log.info({ streams: deps.streams.map((s) => s.id), owner: deps.owner }, 'streams started');
    },
    async close() {
      await loops.stop();
      await leases.releaseAll(deps.streams.map((s) => s.id));
    },
  };
}
