/**
 * The database write path alone: facts, author activity and the three
 * rollup grains, one transaction per batch, exactly as the consumer runs it.
 *
 *   npm run bench:db -w @hark/metrics-rollup
 *   BENCH_MENTIONS=200000 BENCH_BATCH=500 BENCH_CONCURRENCY=1,2 npm run bench:db -w @hark/metrics-rollup
 *
 * Besides wall-clock throughput it reports the CPU the Node process and the
 * PostgreSQL backends spent per mention (read from /proc, PostgreSQL being
 * local) and the WAL it wrote. On a shared machine other processes slow the
 * wall clock far more than they inflate the CPU cost, so `capacity`
 * (mentions per CPU-second of both) is the steadier figure: two idle cores
 * give about twice that with two transactions in flight.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createPool, migrate, type Pool } from '@hark/db';
import { createLogger } from '@hark/observability';
import { createTestDatabase } from '@hark/testing';
import { createPartitionManager } from '../src/adapters/partition-manager.ts';
import { createRollupStore } from '../src/adapters/rollup-store.ts';
import { toMentionFact, type MentionFact } from '../src/domain/mention-fact.ts';
import { windowStart } from '../src/domain/windows.ts';
import { MIGRATIONS_DIR } from '../src/schema.ts';
import { makeWorkload } from './workload.ts';

const COUNT = Number(process.env.BENCH_MENTIONS ?? 100_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,2').split(',').map(Number);
const AUTHORS = 100_000;
const logger = createLogger({ service: 'metrics-rollup-bench', level: 'warn' });
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) of the given processes, from /proc. */
function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // a backend that exited is counted up to its last reading
    }
  }
  return ticks / TICKS_PER_SECOND;
}

async function backendPids(pool: Pool, n: number): Promise<number[]> {
  const clients = await Promise.all(Array.from({ length: n }, () => pool.connect()));
  const pids = await Promise.all(
    clients.map(
      async (c) => (await c.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid,
    ),
  );
  for (const c of clients) c.release();
  return pids;
}

/**
 * Batches are generated on the fly (seeded, so a second run re-delivers the
 * same mentions) and the generation's CPU is subtracted: the service never
 * holds more than its batches in memory, and neither does this measurement.
 */
/** WAL written so far by the whole server (other databases included, so a ceiling). */
async function walBytes(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ b: string }>(
    `select pg_current_wal_lsn() - '0/0'::pg_lsn as b`,
  );
  return Number(rows[0]!.b);
}

async function runOnce(
  pool: Pool,
  concurrency: number,
  label: string,
  now: number,
  pids: number[],
  apply: (b: MentionFact[]) => Promise<{ applied: number; duplicates: number }>,
) {
  const batches = Math.ceil(COUNT / BATCH);
  let generationCpu = 0;
  const generate = (i: number): MentionFact[] => {
    const t = process.cpuUsage();
    const facts = makeWorkload({
      count: BATCH,
      authors: AUTHORS,
      now,
      seed: i + 1,
      prefix: `b${i}-`,
    }).map(toMentionFact);
    const d = process.cpuUsage(t);
    generationCpu += (d.user + d.system) / 1e6;
    return facts;
  };
  const wal0 = await walBytes(pool);
  const cpu0 = process.cpuUsage();
  const db0 = cpuSeconds(pids);
  const started = process.hrtime.bigint();
  const latencies: number[] = [];
  let applied = 0;
  let duplicates = 0;
  let next = 0;
  // Each worker is one consumer partition in flight: one transaction at a time.
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < batches; i = next++) {
        const batch = generate(i);
        const t0 = process.hrtime.bigint();
        const r = await apply(batch);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        applied += r.applied;
        duplicates += r.duplicates;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const nodeCpu = (cpu.user + cpu.system) / 1e6 - generationCpu;
  const dbCpu = cpuSeconds(pids) - db0;
  const wal = (await walBytes(pool)) - wal0;
  const count = applied + duplicates;
  // Generation ran inside the timed loop on the same thread; it is not part of the service's work.
  const serviceSeconds = seconds - generationCpu;
  latencies.sort((a, b) => a - b);
  const p = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1);
  console.log(
    `| ${label} | ${concurrency} | ${count} | ${serviceSeconds.toFixed(2)} | **${Math.round(count / serviceSeconds)}** | ${p(0.5)} / ${p(0.99)} | ` +
      `${((nodeCpu * 1e6) / count).toFixed(1)} + ${((dbCpu * 1e6) / count).toFixed(1)} | ${Math.round(count / (nodeCpu + dbCpu))} | ${(wal / count / 1024).toFixed(1)} |`,
  );
}

console.log(
  `metrics-rollup DB write path: ${COUNT} mentions per run (10 brands × 5 platforms, ${AUTHORS / 1000}k authors, 20% naming two brands), ` +
    `batches of ${BATCH}, ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(2)} at start\n`,
);
console.log(
  '| run | transactions in flight | mentions | seconds | mentions/s | batch p50 / p99 ms | CPU µs per mention (node + PostgreSQL) | capacity (mentions per CPU-second) | WAL KiB per mention |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const concurrency of CONCURRENCY) {
  const db = await createTestDatabase();
  const pool = createPool({ url: db.url, logger, max: concurrency + 1 });
  try {
    await migrate({ pool, scope: 'metrics-rollup', dir: MIGRATIONS_DIR, logger });
    const now = Date.now();
    const partitions = createPartitionManager({
      pool,
      logger,
      now: () => now,
      policy: {
        latenessMs: 7 * 86_400_000,
        futureToleranceMs: 900_000,
        retentionMs: 30 * 86_400_000,
        aheadDays: 2,
      },
    });
    await partitions.maintain();
    const store = createRollupStore({ pool });
    const apply = async (batch: MentionFact[]) => {
      await partitions.ensureDays(batch.map((f) => windowStart(f.createdAt, 'day')));
      return store.applyMentions(batch);
    };
    // Warm up connections, prepared statements and the JIT outside the measurement.
    const warm = makeWorkload({
      count: BATCH * 4,
      authors: 1000,
      now,
      prefix: 'warm',
      seed: 7,
    }).map(toMentionFact);
    for (let i = 0; i < warm.length; i += BATCH) await apply(warm.slice(i, i + BATCH));
    const pids = await backendPids(pool, concurrency + 1);
    await runOnce(pool, concurrency, 'first delivery', now, pids, apply);
    await runOnce(pool, concurrency, 're-delivery (all duplicates)', now, pids, apply);
  } finally {
    await pool.end();
    await db.drop();
  }
}
