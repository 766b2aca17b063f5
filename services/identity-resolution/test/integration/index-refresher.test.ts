import { createPool, migrate, type Pool } from '@hark/db';
import { createLogger, createMetricsRegistry } from '@hark/observability';
import { createTestDatabase, waitFor } from '@hark/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCustomerRepository,
  type CustomerRepository,
} from '../../src/adapters/customer-repository.ts';
import { createIndexRefresher, type IndexRefresher } from '../../src/adapters/index-refresher.ts';
import { validateCustomer, type Customer } from '../../src/domain/customer.ts';
import { CustomerIndex } from '../../src/domain/customer-index.ts';
import { MIGRATIONS_DIR, SERVICE } from '../../src/schema.ts';

const logger = createLogger({ service: 'refresher-test', level: 'silent' });
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
let customers: CustomerRepository;
let refresher: IndexRefresher;
const index = new CustomerIndex();

function customer(externalId: string, firstName: string, lastName: string): Customer {
  const v = validateCustomer({ externalId, firstName, lastName });
  if (!v.ok) throw new Error('bad fixture');
  return v.customer;
}
const has = (externalId: string) =>
  [...Array(index.size).keys()].some((s) => index.externalId(s) === externalId);

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ url: db.url, logger });
  await migrate({ pool, scope: SERVICE, dir: MIGRATIONS_DIR, logger });
  customers = createCustomerRepository({ pool });
  await customers.upsertMany([customer('C1', 'Jane', 'Doe')]);
  // A long poll interval: the test drives refreshes itself, or NOTIFY does.
  refresher = createIndexRefresher({
    pool,
    customers,
    index,
    logger,
    registry: createMetricsRegistry({ service: 'refresher-test', defaults: false }),
    intervalMs: 60_000,
  });
  await refresher.start();
});

afterAll(async () => {
  await refresher?.close();
  await pool?.end();
  await db?.drop();
});

describe('the customer index follows PostgreSQL', () => {
  it('loads every customer at start', () => {
    expect(has('C1')).toBe(true);
    expect(refresher.isFresh()).toBe(true);
  });

  it('a committed change arrives through NOTIFY, long before the next poll', async () => {
    await customers.upsertMany([customer('C2', 'Robert', 'Zywicki')]);
    await waitFor(() => has('C2'), { timeoutMs: 10_000, what: 'C2 in the index' });
  });

  it('a transaction that commits after a refresh read past it is still applied', async () => {
    const slow = await pool.connect();
    try {
      await slow.query('begin');
      await slow.query(
        `insert into customers (external_id, first_name, last_name, full_name) values ('C3', 'Late', 'Committer', 'Late Committer')`,
      );
      // Another customer commits and is applied while C3's transaction is still open;
      // an "updated_at > last seen" poll would now skip C3 for good.
      await customers.upsertMany([customer('C4', 'Early', 'Bird')]);
      await refresher.refresh();
      expect(has('C4')).toBe(true);
      expect(has('C3')).toBe(false);
      await slow.query('commit');
    } finally {
      slow.release();
    }
    await refresher.refresh();
    expect(has('C3')).toBe(true);
  });

  it('an update replaces the indexed data in place', async () => {
    await customers.upsertMany([customer('C1', 'Jane', 'Martin')]);
    await refresher.refresh();
    const slot = [...Array(index.size).keys()].find((s) => index.externalId(s) === 'C1')!;
    expect(index.last(slot)).toBe('martin');
    expect(index.size).toBe(4);
  });
});

describe('regression: a closed refresher leaves no error handler on its pooled LISTEN connection', () => {
  it('when the database later terminates the released connection, the process does not crash', async () => {
    const own = createPool({ url: db.url, logger });
    const crashes: unknown[] = [];
    const onCrash = (err: unknown) => void crashes.push(err);
    process.on('uncaughtException', onCrash);
    try {
      const r = createIndexRefresher({
        pool: own,
        customers: createCustomerRepository({ pool: own }),
        index: new CustomerIndex(),
        logger,
        registry: createMetricsRegistry({ service: 'refresher-crash', defaults: false }),
        intervalMs: 60_000,
      });
      await r.start();
      await r.close();
      // The listener's client is idle in the pool now; the database drops every other
      // connection, as a restart or an idle timeout would.
      const killer = await pool.connect();
      try {
        const killed = await killer.query(
          `select pg_terminate_backend(pid) from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid()`,
        );
        expect(killed.rowCount).toBeGreaterThan(0);
      } finally {
        killer.release();
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(crashes).toEqual([]);
    } finally {
      process.off('uncaughtException', onCrash);
      await own.end();
    }
  });
});
