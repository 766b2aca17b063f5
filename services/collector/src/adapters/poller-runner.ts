import { isHarkError } from '@hark/errors';
import type { NativeEntry } from '../domain/platforms/index.ts';
import { itemDelaysSeconds } from '../domain/pollers/item-delay.ts';
import type { PollerSpec } from '../domain/pollers/poller-spec.ts';
import { backoffDelay, retryHints } from '../domain/retry-after.ts';
import { pollerChunks } from './poller-pages.ts';
import { createSourceHttp } from './source-http.ts';
import { createSourceLeases } from './source-leases.ts';
import {
  createSourceLoops,
  repeatUntilStopped,
  type SourceRunnerDeps,
  type Wait,
} from './source-loops.ts';

export interface PollerRunnerDeps extends SourceRunnerDeps {
  pollers: readonly PollerSpec[];
  requestTimeoutMs?: number;
  now?: () => number;
  /** Waits between rounds; injected by tests to see the delays. Rejects when aborted. */
  sleep?: Wait;
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
  const byId = new Map(deps.pollers.map((p) => [p.id, p]));
  const loops = createSourceLoops();
  const leases = createSourceLeases({ store: deps.store, owner: deps.owner, noun: 'poller' });
  const http = createSourceHttp({
    userAgent: deps.userAgent,
    timeoutMs: deps.requestTimeoutMs ?? 15_000,
    signal: loops.signal,
    fetch: deps.fetch,
    now,
  });
  const pages = { http, maxTextLength: deps.maxTextLength, log };
  const leaseMs = (spec: PollerSpec) => Math.max(3 * spec.intervalMs, 120_000);

  /** Makes one chunk durable (resolves after Kafka acknowledged); returns how many were accepted. */
  async function ingestChunk(spec: PollerSpec, entries: NativeEntry[]): Promise<number> {
    const collectedAt = now();
    const outcome = await deps.ingest.mentions(
      entries.map((entry) => ({ entry })),
      { source: { kind: 'poller', name: spec.id }, brand: spec.brand, deadLetterRejected: true },
    );
    for (const seconds of itemDelaysSeconds(entries, collectedAt))
      deps.metrics.pollerItemDelay.observe({ poller: spec.id }, seconds);
    return outcome.accepted;
  }

  async function pollOnce(id: string): Promise<PollResult> {
    const spec = byId.get(id);
    if (!spec) throw new Error(`no poller "${id}"`);
    const lease = await leases.acquire(spec.id, spec.kind, leaseMs(spec));
    if (lease.held) {
      deps.metrics.pollsTotal.inc({ poller: spec.id, outcome: 'lease_held' });
      return { outcome: 'lease_held', items: 0, accepted: 0 };
    }
    let items = 0;
    let accepted = 0;
    let chunksSeen = 0;
    for await (const chunk of pollerChunks(spec, lease.cursor, pages)) {
      chunksSeen++;
      if (chunk.entries.length > 0) {
        accepted += await ingestChunk(spec, chunk.entries);
        items += chunk.entries.length;
      }
      // Only after the chunk is durable: a crash before this line re-fetches it, after it loses nothing.
      await leases.save(spec.id, chunk.cursor, leaseMs(spec));
    }
    deps.metrics.pollerLastSuccess.set(spec.id, now());
    const outcome = chunksSeen === 0 ? 'not_modified' : 'ok';
    deps.metrics.pollsTotal.inc({ poller: spec.id, outcome });
    if (items > 0) log.info({ poller: spec.id, items, accepted }, 'polled');
    return { outcome, items, accepted };
  }

  function backOff(spec: PollerSpec, err: unknown, failures: number): number {
    const hints = retryHints(isHarkError(err) ? err.context : {});
    const delay = backoffDelay({
      attempt: failures,
      ...hints,
      baseMs: Math.min(deps.backoffBaseMs ?? 2000, spec.intervalMs),
      maxMs: Math.max(deps.backoffMaxMs ?? 15 * 60_000, spec.intervalMs),
      random: random(),
    });
    const outcome = hints.status === 429 ? 'rate_limited' : 'failed';
    deps.metrics.pollsTotal.inc({ poller: spec.id, outcome });
    log.warn({ err, poller: spec.id, failures, retryInMs: delay }, 'poll failed; backing off');
    return delay;
  }

  return {
    pollOnce,
    start() {
      for (const spec of deps.pollers) {
        deps.metrics.pollerLastSuccess.set(spec.id, now());
        loops.spawn(
          repeatUntilStopped({
            signal: loops.signal,
            round: async () => {
              await pollOnce(spec.id);
              return spec.intervalMs;
            },
            onFailure: (err, failures) => backOff(spec, err, failures),
            wait: deps.sleep,
          }),
        );
      }
      if (deps.pollers.length > 0)
        log.info({ pollers: deps.pollers.map((p) => p.id), owner: deps.owner }, 'pollers started');
    },
    async close() {
      await loops.stop();
      await leases.releaseAll(deps.pollers.map((p) => p.id));
    },
  };
}
