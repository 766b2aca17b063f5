import { createChannelListener, type Pool } from '@hark/db';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { coalesceRuns } from '../domain/coalesce-runs.ts';
import type { CustomerIndex } from '../domain/customer-index.ts';
import type { CustomerRepository } from './customer-repository.ts';

export const CUSTOMERS_CHANNEL = 'hark_customers_changed';

export interface IndexRefresher {
  /** Loads every customer into the index, then follows changes. */
  start(): Promise<void>;
  /** Applies customers changed since the last refresh; concurrent calls share one run. */
  refresh(): Promise<number>;
  /** True once loaded and the last refresh succeeded recently. */
  isFresh(): boolean;
  close(): Promise<void>;
}

/**
 * Keeps the in-memory customer index current: a full load at start, then
 * changed rows by transaction id (see the migration) every `intervalMs`,
 * and at once when PostgreSQL notifies `hark_customers_changed`. The poll
 * is the safety net for a lost notification or a dropped listener.
 */
export function createIndexRefresher(deps: {
  pool: Pool;
  customers: CustomerRepository;
  index: CustomerIndex;
  logger: Logger;
  registry: Registry;
  intervalMs: number;
}): IndexRefresher {
  const log = deps.logger.child({ component: 'index-refresher' });
  const metrics = createIndexMetrics(deps.registry);
  let watermark: string | null = null;
  let lastSuccess = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  function caughtUp(): void {
    lastSuccess = Date.now();
    metrics.size.set(deps.index.size);
    metrics.refreshed.set(lastSuccess / 1000);
  }

  const pass = coalesceRuns({
    async run() {
      const { watermark: next, rows } = await deps.customers.scan((c) => deps.index.upsert(c), {
        sinceWatermark: watermark!,
      });
      watermark = next;
      caughtUp();
      if (rows > 0) {
        metrics.applied.inc(rows);
        log.debug({ rows, customers: deps.index.size }, 'applied changed customers');
      }
      return rows;
    },
    stopped: () => closed,
    onError(err) {
      metrics.failures.inc();
      log.warn({ err }, 'customer index refresh failed; retrying on the next poll');
    },
  });
  const refresh = (): Promise<number> => (watermark === null ? Promise.resolve(0) : pass());

  const changes = createChannelListener({
    pool: deps.pool,
    channel: CUSTOMERS_CHANNEL,
    onNotification: () => void refresh(),
    onLost: (err) =>
      log.warn({ err }, 'customer change listener failed; polling until it reconnects'),
  });
  const listen = (): Promise<void> =>
    changes
      .connect()
      .catch((err: unknown) =>
        log.warn({ err }, 'could not listen for customer changes; polling only'),
      );

  return {
    async start() {
      const started = Date.now();
      const { watermark: w, rows } = await deps.customers.scan((c) => deps.index.upsert(c));
      deps.index.finishLoad();
      watermark = w;
      caughtUp();
      log.info({ ...deps.index.stats(), rows, ms: Date.now() - started }, 'customer index loaded');
      await listen();
      // Changes committed during the load are picked up now, not a poll later.
      await refresh();
      timer = setInterval(() => {
        void listen();
        void refresh();
      }, deps.intervalMs);
      timer.unref();
    },
    refresh,
    isFresh: () =>
      lastSuccess > 0 && Date.now() - lastSuccess < Math.max(30_000, deps.intervalMs * 5),
    async close() {
      closed = true;
      clearInterval(timer);
      await pass.running();
      await changes.close();
    },
  };
}

function createIndexMetrics(registry: Registry) {
  const registers = [registry];
  return {
    size: new Gauge({
      name: 'hark_identity_index_customers',
      help: 'Customers in the in-memory matching index.',
      registers,
    }),
    refreshed: new Gauge({
      name: 'hark_identity_index_refreshed_timestamp_seconds',
      help: 'When the customer index last caught up with PostgreSQL.',
      registers,
    }),
    applied: new Counter({
      name: 'hark_identity_index_changes_total',
      help: 'Changed customers applied to the index after the initial load.',
      registers,
    }),
    failures: new Counter({
      name: 'hark_identity_index_refresh_failures_total',
      help: 'Index refreshes that failed (the next poll retries).',
      registers,
    }),
  };
}
