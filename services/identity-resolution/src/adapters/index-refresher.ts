import type { Pool, PoolClient } from '@hark/db';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
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
  const registers = [deps.registry];
  const sizeGauge = new Gauge({
    name: 'hark_identity_index_customers',
    help: 'Customers in the in-memory matching index.',
    registers,
  });
  const refreshedGauge = new Gauge({
    name: 'hark_identity_index_refreshed_timestamp_seconds',
    help: 'When the customer index last caught up with PostgreSQL.',
    registers,
  });
  const applied = new Counter({
    name: 'hark_identity_index_changes_total',
    help: 'Changed customers applied to the index after the initial load.',
    registers,
  });
  const failures = new Counter({
    name: 'hark_identity_index_refresh_failures_total',
    help: 'Index refreshes that failed (the next poll retries).',
    registers,
  });

  let watermark: string | null = null;
  let lastSuccess = 0;
  let running: Promise<number> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let listener: PoolClient | null = null;
  let releaseListener: (() => Promise<void>) | null = null;
  let closed = false;

  async function runOnce(): Promise<number> {
    const { watermark: next, rows } = await deps.customers.scan((c) => deps.index.upsert(c), {
      sinceWatermark: watermark!,
    });
    watermark = next;
    lastSuccess = Date.now();
    sizeGauge.set(deps.index.size);
    refreshedGauge.set(lastSuccess / 1000);
    if (rows > 0) {
      applied.inc(rows);
      log.debug({ rows, customers: deps.index.size }, 'applied changed customers');
    }
    return rows;
  }

  function refresh(): Promise<number> {
    if (watermark === null) return Promise.resolve(0);
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      try {
        do {
          again = false;
          total += await runOnce();
        } while (again && !closed);
      } catch (err) {
        failures.inc();
        log.warn({ err }, 'customer index refresh failed; retrying on the next poll');
      } finally {
        running = null;
      }
      return total;
    })();
    return running;
  }

  async function listen(): Promise<void> {
    if (listener || closed) return;
    try {
      const client = await deps.pool.connect();
      let released = false;
      const onNotification = (): void => void refresh();
      // Released once, by whoever gets there first: this handler or close(). A handler left
      // on a client back in the pool would release it a second time when the database later
      // drops that connection ("Release called on client which has already been released").
      const release = (err?: Error): void => {
        if (released) return;
        released = true;
        client.removeListener('notification', onNotification);
        client.removeListener('error', onError);
        if (listener === client) listener = null;
        client.release(err);
      };
      const onError = (err: Error): void => {
        log.warn({ err }, 'customer change listener failed; polling until it reconnects');
        release(err);
      };
      client.on('notification', onNotification);
      client.on('error', onError);
      try {
        await client.query(`listen ${CUSTOMERS_CHANNEL}`);
      } catch (err) {
        release(err as Error);
        throw err;
      }
      if (closed) {
        release();
        return;
      }
      listener = client;
      releaseListener = async () => {
        await client.query(`unlisten ${CUSTOMERS_CHANNEL}`).catch(() => {});
        release();
      };
    } catch (err) {
      log.warn({ err }, 'could not listen for customer changes; polling only');
    }
  }

  return {
    async start() {
      const started = Date.now();
      const { watermark: w, rows } = await deps.customers.scan((c) => deps.index.upsert(c));
      deps.index.finishLoad();
      watermark = w;
      lastSuccess = Date.now();
      sizeGauge.set(deps.index.size);
      refreshedGauge.set(lastSuccess / 1000);
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
      await running;
      if (listener && releaseListener) {
        listener = null;
        await releaseListener();
      }
      releaseListener = null;
    },
  };
}
