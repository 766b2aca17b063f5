/**
 * Issue 15: a Kafka outage longer than the client's own retry window (kafkajs
 * gives up after about 20 s) while traffic flows. No process may exit — the
 * harness does not supervise here, so an exit is a failure, not a restart —
 * the consumers report /readyz 503 while they cannot reach the broker, and
 * after it is back every accepted mention is in the facts and rollups exactly
 * once. The broker is private to this file (the stack's jars, free ports): the
 * shared broker on 9092 is never touched.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { loadBrandsConfig } from '@hark/brands';
import { startPrivateBroker, waitFor, type PrivateBroker } from '@hark/testing';
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
} from '../support/pipeline.ts';

/** Longer than kafkajs's retry window (8 retries, 5 s apart at most) and its consumer's. */
const OUTAGE_MS = Number(process.env.HARK_E2E_OUTAGE_MS ?? 40_000);
const DAY = 86_400_000;
const brands = loadBrandsConfig(BRANDS_FILE);
const rng = createRng(15);

let broker: PrivateBroker;
let p: Pipeline;
let customers: DemoCustomer[];

beforeAll(async () => {
  broker = await startPrivateBroker();
  p = await createPipeline({
    label: 'outage',
    brokers: broker.brokers,
    partitions: 3,
    // No supervisor: a process that exits fails the test instead of being restarted.
    supervise: false,
    env: { collector: { COLLECTOR_PRODUCE_TIMEOUT_MS: '3000', COLLECTOR_CIRCUIT_OPEN_MS: '2000' } },
  });
  customers = generateCustomers(300, rng);
  await p.loadCrm(customers);
  await p.startAll();
  await p.start('action-router');
}, 240_000);

afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') await p?.printLogTails();
});

afterAll(async () => {
  await p?.dispose();
  await broker?.dispose();
}, 120_000);

describe('a Kafka outage longer than the client retry window, with traffic flowing', () => {
  it('no process exits, consumers are not ready meanwhile, and the totals are exact after', async () => {
    const from = Math.floor(Date.now() / DAY) * DAY - DAY;
    const runId = `outage-${Date.now().toString(36)}`;
    const { posts } = generateTraffic({
      brands,
      customers,
      count: 600,
      rng,
      end: from + DAY / 2,
      days: 0.5,
      runId,
    });
    const report = emptyReport();
    const sending = p.sendMentions(
      posts,
      { batchSize: 20, concurrency: 1, pauseMs: 200, retryForMs: OUTAGE_MS + 90_000 },
      report,
    );
    sending.catch(() => {});
    await waitFor(() => report.sent > 0 && report.done >= report.sent * 0.2, {
      timeoutMs: 60_000,
      intervalMs: 100,
      what: 'a fifth of the traffic answered before the outage',
    });

    await broker.stop();
    const notReady = new Set<string>();
    const until = Date.now() + OUTAGE_MS;
    while (Date.now() < until) {
      for (const name of [...CONSUMERS, 'action-router'] as const)
        if ((await p.readyz(name)) === 503) notReady.add(name);
      await sleep(1000);
    }
    expect(p.unexpectedExits(), 'processes that exited during the outage').toEqual([]);
    await broker.restart();

    const done = await sending;
    expect(done.statuses[503] ?? 0, 'requests answered 503 while Kafka was down').toBeGreaterThan(
      0,
    );
    expect(Object.keys(done.statuses).sort()).toEqual(['202', '503']);
    expect(done.rejected).toBe(0);
    expect(done.accepted.size + done.unmatched.size).toBe(posts.length);
    await p.waitForMentions(runId, done.accepted.size, 120_000);
    expect(await p.factCount(runId)).toBe(done.accepted.size);
    const totals = await p.rollupTotals('hour', { from, to: from + DAY / 2 });
    expect(sorted(totals.byBrand)).toEqual(sorted(expectedByBrand(done.accepted).byBrand));

    expect(sorted(new Map([...notReady].map((n) => [n, 1])))).toEqual(
      sorted(new Map([...CONSUMERS, 'action-router'].map((n) => [n, 1]))),
    );
    expect(p.unexpectedExits()).toEqual([]);
    await p.waitAllReady(60_000);
    for (const id of p.instances()) expect(p.isRunning(id), id).toBe(true);
  }, 300_000);
});
