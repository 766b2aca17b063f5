import { setTimeout as sleep } from 'node:timers/promises';
import { HarkError } from '@hark/errors';
import type { Logger } from '@hark/observability';
import type { Keyring } from '@hark/privacy';
import { backoffMs, deliveryBody, parseRetryAfter, signBody } from '../domain/delivery.ts';
import { openAction } from './open-action.ts';
import type { ClaimedAction, OutboxStore } from './outbox-store.ts';
import type { RouterMetrics } from './router-metrics.ts';

export interface DeliveryWorkerDeps {
  store: OutboxStore;
  /** Opens the personal fields the action carries encrypted. */
  keyring: Pick<Keyring, 'keysForRead'>;
  logger: Logger;
  metrics: RouterMetrics;
  url: string;
  secret: string;
  timeoutMs: number;
  maxAttempts: number;
  backoff: { initialMs: number; maxMs: number };
  concurrency: number;
  pollMs: number;
  retentionMs: number;
  now?: () => number;
}

export interface DeliveryWorker {
  start(): void;
  /** Stops claiming; waits for the POSTs in flight to finish and be recorded. */
  close(): Promise<void>;
}

/**
 * Delivers outbox rows to the webhook. A row is leased to one worker (lease
 * longer than the POST timeout, so no second worker can take it while a
 * POST may still land), marked delivered after a 2xx, else rescheduled with
 * backoff or marked dead after the last attempt.
 */
export function createDeliveryWorker(deps: DeliveryWorkerDeps): DeliveryWorker {
  const log = deps.logger.child({ component: 'webhook' });
  const now = deps.now ?? Date.now;
  const leaseMs = 2 * deps.timeoutMs + 5000;
  let running = false;
  let loop: Promise<void> | undefined;
  const stop = new AbortController();
  let lastHousekeeping = 0;

  async function deliver(c: ClaimedAction): Promise<void> {
    const end = deps.metrics.deliverySeconds.startTimer();
    let status: number | null = null;
    let reason: string;
    let retryAfterMs: number | undefined;
    try {
      const opened = await openAction(c.action, deps.keyring);
      if (opened.status === 'erased') {
        // The author was erased after routing: their text and handle must not leave now.
        await deps.store.markFailed(
          c,
          "erased: the author's data was erased before delivery; nothing was sent",
          null,
          null,
        );
        deps.metrics.deliveries.inc({ outcome: 'erased' });
        log.info({ actionId: c.actionId }, 'action not delivered: author erased');
        return;
      }
      const sentAt = now();
      const body = deliveryBody(opened.action, c.attempt, sentAt);
      const res = await fetch(deps.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hark-signature': signBody(deps.secret, body),
          'x-hark-action-id': c.actionId,
          'x-hark-timestamp': String(sentAt),
          'x-hark-attempt': String(c.attempt),
        },
        body,
        signal: AbortSignal.timeout(deps.timeoutMs),
      });
      status = res.status;
      const text = await res.text().catch(() => '');
      if (res.ok) {
        await deps.store.markDelivered(c, status);
        deps.metrics.deliveries.inc({ outcome: 'delivered' });
        log.info({ actionId: c.actionId, attempt: c.attempt, status }, 'action delivered');
        return;
      }
      reason = `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`;
      retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), now());
    } catch (err) {
      reason =
        (err as Error).name === 'TimeoutError'
          ? `timed out after ${deps.timeoutMs} ms`
          : (err as Error).message;
    } finally {
      end();
    }
    const error = new HarkError('HARK_ACTION_DELIVERY_FAILED', reason, {
      context: { actionId: c.actionId, attempt: c.attempt, status },
    });
    const dead = c.attempt >= deps.maxAttempts;
    const retryAt = dead
      ? null
      : new Date(now() + backoffMs(c.attempt, { ...deps.backoff, retryAfterMs }));
    await deps.store.markFailed(c, `${error.code}: ${reason}`, status, retryAt);
    deps.metrics.deliveries.inc({ outcome: dead ? 'dead' : 'retry' });
    if (dead) log.error({ err: error }, 'action delivery gave up; marked dead');
    else log.warn({ err: error, retryAt }, 'action delivery failed; will retry');
  }

  async function housekeeping(): Promise<void> {
    if (now() - lastHousekeeping < 60_000) return;
    lastHousekeeping = now();
    const counts = await deps.store.counts();
    deps.metrics.outboxPending.set(counts.pending);
    deps.metrics.outboxDead.set(counts.dead);
    const pruned = await deps.store.prune(deps.retentionMs);
    if (pruned > 0) log.info({ pruned }, 'pruned old outbox rows');
  }

  async function run(): Promise<void> {
    while (running) {
      try {
        await housekeeping();
        const claimed = await deps.store.claim(deps.concurrency, leaseMs);
        if (claimed.length > 0) {
          await Promise.all(claimed.map((c) => deliver(c)));
          continue;
        }
      } catch (err) {
        // The database is down or a mark failed: leases expire and the rows are claimed again.
        log.warn({ err }, 'delivery round failed; retrying');
      }
      await sleep(deps.pollMs, undefined, { signal: stop.signal }).catch(() => {});
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
      log.info({ url: deps.url, concurrency: deps.concurrency }, 'webhook delivery started');
    },
    async close() {
      running = false;
      stop.abort();
      await loop;
    },
  };
}
