/**
 * Faults while traffic flows: a consumer killed with SIGKILL, a second
 * instance joining and leaving its group, the Kafka broker stopped and
 * restarted, a database connection killed mid-transaction, PostgreSQL
 * restarted. After recovery the rollups hold exactly the accepted mentions:
 * none lost, none counted twice.
 *
 * The broker and the PostgreSQL server are private to this file (started
 * from the stack's jars and the machine's PostgreSQL binaries), so stopping
 * them touches nobody else. Each case dates its traffic inside a 12-hour
 * slot of its own, so its hour and minute rollup rows are its alone and a
 * failure in one case cannot shift another's totals; the day rollups are
 * checked once for the whole file at the end. The harness restarts a process
 * that exits on its own, as a supervisor would: a stage that gives up on a
 * retriable failure exits for exactly that.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { loadBrandsConfig } from '@hark/brands';
import {
  startPrivateBroker,
  startPrivatePostgres,
  waitFor,
  type PrivateBroker,
  type PrivatePostgres,
} from '@hark/testing';
import { createRng, generateCustomers, generateTraffic, type DemoCustomer } from '@hark/traffic';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BRANDS_FILE,
  CONSUMERS,
  createPipeline,
  emptyReport,
  expectedByBrand,
  sorted,
  type Pipeline,
  type SendReport,
} from '../support/pipeline.ts';

const PER_CASE = Number(process.env.HARK_E2E_FAULT_MENTIONS ?? 1200);
const DAY = 86_400_000;
const SLOT = DAY / 2;
const CASE_TIMEOUT = 180_000;
const brands = loadBrandsConfig(BRANDS_FILE);
const rng = createRng(7);

let broker: PrivateBroker;
let postgres: PrivatePostgres;
let p: Pipeline;
let customers: DemoCustomer[];
let nextSlot = 1;
/** Every mention accepted in this file, for the day rollups at the end. */
const allAccepted = new Map<string, string[]>();
const timings: Record<string, number> = {};

beforeAll(async () => {
  const t0 = Date.now();
  [broker, postgres] = await Promise.all([startPrivateBroker(), startPrivatePostgres()]);
  timings.privateServersMs = Date.now() - t0;
  p = await createPipeline({
    label: 'faults',
    brokers: broker.brokers,
    databaseBaseUrl: postgres.url,
    partitions: 4,
    supervise: true,
    // Fail fast while Kafka is down so clients hear 503 quickly and retry.
    env: { collector: { COLLECTOR_PRODUCE_TIMEOUT_MS: '3000', COLLECTOR_CIRCUIT_OPEN_MS: '2000' } },
  });
  customers = generateCustomers(1000, rng);
  await p.loadCrm(customers);
  await p.startAll();
  timings.setupMs = Date.now() - t0;
}, 300_000);

afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') {
    await p?.printLogTails();
    console.log(`----- private PostgreSQL -----\n${await postgres?.logTail()}`);
  }
});

afterAll(async () => {
  console.log(`fault timings (ms): ${JSON.stringify(timings)}`);
  console.log(
    `unexpected exits (restarted by the harness): ${JSON.stringify(p?.unexpectedExits())}`,
  );
  await p?.dispose();
  await Promise.all([broker?.dispose(), postgres?.dispose()]);
}, 180_000);

/**
 * Traffic dated inside a 12-hour slot of its own before today (UTC), so its hour and minute
 * rollup rows are its alone; twelve slots stay well within the rollup's 7-day lateness.
 */
function slotTraffic(tag: string, count = PER_CASE) {
  const from = Math.floor(Date.now() / DAY) * DAY - nextSlot++ * SLOT;
  const runId = `${tag}${Date.now().toString(36)}`;
  const { posts } = generateTraffic({
    brands,
    customers,
    count,
    rng,
    end: from + SLOT,
    days: SLOT / DAY,
    runId,
  });
  return { posts, runId, window: { from, to: from + SLOT } };
}

/** Slow enough that a fault lands in the middle of the flow. */
const PACED = { batchSize: 40, concurrency: 1, pauseMs: 250, retryForMs: 150_000 };

/** Traffic that runs in the background; a failure surfaces where it is awaited, not as an unhandled rejection. */
function flowing<T>(sending: Promise<T>): Promise<T> {
  sending.catch(() => {});
  return sending;
}

async function whenSent(report: SendReport, fraction: number): Promise<void> {
  await waitFor(() => report.done >= report.sent * fraction, {
    timeoutMs: 120_000,
    intervalMs: 100,
    what: `${fraction * 100} % of the traffic sent`,
  });
}

/** The case's facts and rollups hold every accepted mention exactly once. */
async function expectExact(
  traffic: ReturnType<typeof slotTraffic>,
  report: SendReport,
): Promise<void> {
  expect(report.rejected).toBe(0);
  expect(report.accepted.size + report.unmatched.size).toBe(traffic.posts.length);
  await p.waitForMentions(traffic.runId, report.accepted.size, 150_000);
  expect(await p.factCount(traffic.runId)).toBe(report.accepted.size);
  const expected = expectedByBrand(report.accepted);
  for (const grain of ['hour', 'minute'] as const) {
    const totals = await p.rollupTotals(grain, traffic.window);
    expect(sorted(totals.byBrand), `rollup_${grain}`).toEqual(sorted(expected.byBrand));
  }
  for (const [id, b] of report.accepted) allAccepted.set(id, b);
}

describe('a consumer killed with SIGKILL mid-stream', () => {
  it.each(CONSUMERS)(
    'when %s is killed and restarted, every accepted mention counts exactly once',
    async (name) => {
      const t0 = Date.now();
      const traffic = slotTraffic(`kill-${name.split('-')[0]}-`);
      const report = emptyReport();
      const sending = flowing(p.sendMentions(traffic.posts, PACED, report));
      await whenSent(report, 0.3);
      // Something is in flight through the stage when it dies.
      await waitFor(async () => (await p.factCount(traffic.runId)) > 0, {
        timeoutMs: 60_000,
        what: 'the first mentions in the rollups',
      });
      await p.kill9(name);
      expect(p.isRunning(name)).toBe(false);
      await sleep(2000);
      await p.restart(name);
      const done = await sending;
      await expectExact(traffic, done);
      timings[`kill9 ${name}`] = Date.now() - t0;
    },
    CASE_TIMEOUT,
  );
});

describe('a second instance of each stage joins, then leaves', () => {
  it(
    'partitions rebalance twice per stage and every accepted mention counts exactly once',
    async () => {
      const t0 = Date.now();
      const traffic = slotTraffic('scale-', PER_CASE * 2);
      const report = emptyReport();
      const sending = flowing(p.sendMentions(traffic.posts, { ...PACED, pauseMs: 150 }, report));
      const seconds: string[] = [];
      for (const name of CONSUMERS) {
        await whenSent(report, 0.1 + 0.2 * seconds.length);
        seconds.push(await p.startSecondInstance(name));
      }
      await whenSent(report, 0.8);
      for (const id of seconds) await p.stopInstance(id);
      await expectExact(traffic, await sending);
      // Each second instance was really given partitions, not left idle beside a full group.
      for (const id of seconds) {
        const assigned = (await p.logTail(id, 5000))
          .split('\n')
          .filter((l) => l.includes('"joined group"'))
          .map((l) => JSON.parse(l) as { assignment?: Record<string, number[]> })
          .flatMap((e) => Object.values(e.assignment ?? {}).flat());
        expect(assigned.length, `partitions assigned to ${id}`).toBeGreaterThan(0);
      }
      timings['second instances'] = Date.now() - t0;
    },
    CASE_TIMEOUT,
  );
});

describe('the Kafka broker stops and comes back', () => {
  it(
    'the collector answers 503 while it cannot write, the client retries, and every accepted mention counts exactly once',
    async () => {
      const t0 = Date.now();
      const traffic = slotTraffic('broker-');
      const report = emptyReport();
      const sending = flowing(p.sendMentions(traffic.posts, PACED, report));
      await whenSent(report, 0.3);
      const acceptedBefore = report.accepted.size;
      await broker.stop();
      const stoppedAt = Date.now();
      // Traffic keeps coming while the broker is down.
      await sleep(8000);
      await broker.restart();
      timings['broker down'] = Date.now() - stoppedAt;
      const done = await sending;
      expect(done.statuses[503] ?? 0, 'responses answered 503').toBeGreaterThan(0);
      // Nothing but 202 (written) and 503 (not written, retry): no 500, no partial answer.
      expect(Object.keys(done.statuses).sort()).toEqual(['202', '503']);
      expect(done.retries).toBeGreaterThan(0);
      expect(acceptedBefore).toBeLessThan(traffic.posts.length);
      await p.waitAllReady(120_000);
      await expectExact(traffic, done);
      timings['broker restart'] = Date.now() - t0;
    },
    CASE_TIMEOUT,
  );
});

describe('a database connection killed in the middle of a transaction', () => {
  // What a PostgreSQL restart, a failover or a DBA's pg_terminate_backend does to a connection that
  // is checked out of the pool, made certain: the stage's write waits on a lock this test holds,
  // then its backend is terminated. The batch must be retried, not take the process down.
  it.each([
    ['metrics-rollup', 'rollup_day'],
    ['identity-resolution', 'social_identities'],
  ] as const)(
    'when %s loses its connection mid-transaction, it retries the batch instead of dying',
    async (name, table) => {
      const t0 = Date.now();
      const exitsBefore = p.unexpectedExits().length;
      // Customers posting with their e-mail: identity-resolution writes a link for each.
      const traffic = slotTraffic(`terminate-${name.split('-')[0]}-`, 300);
      const locker = await p.db.connect();
      let sending: Promise<SendReport> | undefined;
      try {
        await locker.query('begin');
        await locker.query(`lock table ${table} in exclusive mode`);
        sending = flowing(p.sendMentions(traffic.posts, { batchSize: 100, concurrency: 1 }));
        const pid = await waitFor(
          async () => {
            const { rows } = await p.db.query<{ pid: number }>(
              `select pid from pg_stat_activity
                where datname = current_database() and application_name = $1
                  and wait_event_type = 'Lock'`,
              [name],
            );
            return rows[0]?.pid;
          },
          { timeoutMs: 90_000, intervalMs: 200, what: `${name} waiting on the ${table} lock` },
        );
        await p.db.query('select pg_terminate_backend($1)', [pid]);
      } finally {
        await locker.query('rollback').catch(() => {});
        locker.release();
      }
      const done = await sending;
      await p.waitAllReady(120_000);
      await expectExact(traffic, done);
      timings[`terminate ${name}`] = Date.now() - t0;
      expect(p.unexpectedExits().slice(exitsBefore)).toEqual([]);
    },
    CASE_TIMEOUT,
  );
});

describe('PostgreSQL restarts', () => {
  it(
    'identity-resolution and metrics-rollup recover and every accepted mention counts exactly once',
    async () => {
      const t0 = Date.now();
      const traffic = slotTraffic('postgres-');
      const report = emptyReport();
      const sending = flowing(p.sendMentions(traffic.posts, PACED, report));
      await whenSent(report, 0.3);
      await waitFor(async () => (await p.factCount(traffic.runId)) > 0, {
        timeoutMs: 60_000,
        what: 'the first mentions in the rollups',
      });
      await postgres.stop('fast');
      const stoppedAt = Date.now();
      await sleep(5000);
      await postgres.start();
      timings['postgres down'] = Date.now() - stoppedAt;
      const done = await sending;
      await p.waitAllReady(120_000);
      await expectExact(traffic, done);
      timings['postgres restart'] = Date.now() - t0;
    },
    CASE_TIMEOUT,
  );
});

describe('a collector that cannot reach Kafka when it starts', () => {
  it('does not report ready while its ingest API is not listening', async () => {
    // Kafka unreachable: the collector waits up to its produce timeout for the producer before it
    // listens. A load balancer trusting /readyz must not send requests into that gap.
    const id = await p.startSecondInstance('collector', {
      env: { KAFKA_BROKERS: '127.0.0.1:1', COLLECTOR_PRODUCE_TIMEOUT_MS: '30000' },
      waitReady: false,
    });
    const contradictions: string[] = [];
    try {
      const until = Date.now() + 20_000;
      while (Date.now() < until && contradictions.length === 0) {
        if ((await p.readyz(id)) === 200) {
          const api = await fetch(`${p.apiUrlOf(id)}/openapi.json`).then(
            (r) => String(r.status),
            (err: Error) => (err.cause as { code?: string } | undefined)?.code ?? err.message,
          );
          if (api !== '200') contradictions.push(`/readyz answered 200 while the API gave ${api}`);
        }
        await sleep(250);
      }
    } finally {
      await p.stopInstance(id);
    }
    expect(contradictions).toEqual([]);
  }, 90_000);
});

describe('after every fault', () => {
  it('the day rollups hold every mention accepted in this file exactly once', async () => {
    await p.waitForQuiet(60_000);
    expect(await p.factCount()).toBe(allAccepted.size);
    const totals = await p.rollupTotals('day');
    expect(sorted(totals.byBrand)).toEqual(sorted(expectedByBrand(allAccepted).byBrand));
  }, 90_000);

  it('all four services are running and ready', async () => {
    await p.waitAllReady(60_000);
    for (const id of p.instances().filter((i) => !i.includes('#'))) {
      expect(p.isRunning(id), id).toBe(true);
      expect(await p.readyz(id), id).toBe(200);
    }
  }, 90_000);
});
