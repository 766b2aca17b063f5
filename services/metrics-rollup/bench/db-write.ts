/**
 * The database write path alone: facts, author activity and the three
 * rollup grains, one transaction per batch, exactly as the consumer runs it.
 *
 *   npm run bench:db -w @hark/metrics-rollup
 *   BENCH_MENTIONS=200000 BENCH_BATCH=500 BENCH_CONCURRENCY=1,2 BENCH_REPEAT=3 npm run bench:db -w @hark/metrics-rollup
 *   BENCH_SETUP_SQL='drop index mentions_author_idx' npm run bench:db -w @hark/metrics-rollup
 *
 * Besides wall-clock throughput it reports the CPU the Node process and the
 * PostgreSQL backends spent per mention (read from /proc, PostgreSQL being
 * local) and the WAL it wrote. On a shared machine other processes slow the
 * wall clock far more than they inflate the CPU cost, so `capacity`
 * (mentions per CPU-second of both) is the steadier figure: two idle cores
 * give about twice that with two transactions in flight.
 */
import { cpus, loadavg } from 'node:os';
import type { Pool } from '@hark/db';
import { toMentionFact, type MentionFact } from '../src/domain/mention-fact.ts';
import { cpuTicks, median, openBenchDatabase, TICKS_PER_SECOND } from './bench-database.ts';
import { makeWorkload } from './workload.ts';

const COUNT = Number(process.env.BENCH_MENTIONS ?? 100_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1').split(',').map(Number);
const AUTHORS = 100_000;

const cpuSeconds = (pids: number[]): number => cpuTicks(pids) / TICKS_PER_SECOND;

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
  const figures: RunFigures = {
    nodeUs: (nodeCpu * 1e6) / count,
    dbUs: (dbCpu * 1e6) / count,
    walKiB: wal / count / 1024,
  };
  console.log(
    `| ${label} | ${concurrency} | ${count} | ${serviceSeconds.toFixed(2)} | **${Math.round(count / serviceSeconds)}** | ${p(0.5)} / ${p(0.99)} | ` +
      `${figures.nodeUs.toFixed(1)} + ${figures.dbUs.toFixed(1)} | ${Math.round(count / (nodeCpu + dbCpu))} | ${figures.walKiB.toFixed(2)} |`,
  );
  return figures;
}

type RunLabel = 'first' | 'again';
interface RunFigures {
  /** Client (Node) CPU µs per mention, workload generation excluded. */
  nodeUs: number;
  /** CPU µs per mention of the PostgreSQL backends that ran the transactions. */
  dbUs: number;
  walKiB: number;
}

const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
/** Extra SQL run after the migrations, to measure a variant (e.g. `drop index mentions_author_idx`). */
const SETUP_SQL = process.env.BENCH_SETUP_SQL ?? '';

console.log(
  `metrics-rollup DB write path: ${COUNT} mentions per run (10 brands × 5 platforms, ${AUTHORS / 1000}k authors, 20% naming two brands), ` +
    `batches of ${BATCH}, ${REPEAT} runs each on a fresh database, ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(2)} at start` +
    (SETUP_SQL ? `, setup: ${SETUP_SQL}` : '') +
    '\n',
);
console.log(
  '| run | transactions in flight | mentions | seconds | mentions/s | batch p50 / p99 ms | CPU µs per mention (node + PostgreSQL) | capacity (mentions per CPU-second) | WAL KiB per mention |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const concurrency of CONCURRENCY) {
  const runs: Record<RunLabel, RunFigures[]> = { first: [], again: [] };
  for (let r = 0; r < REPEAT; r++) {
    const now = Date.now();
    const db = await openBenchDatabase({ now, max: concurrency + 1, setupSql: SETUP_SQL });
    const { pool, apply } = db;
    try {
      await db.warmUp(BATCH);
      const pids = await backendPids(pool, concurrency + 1);
      runs.first.push(await runOnce(pool, concurrency, 'first delivery', now, pids, apply));
      runs.again.push(
        await runOnce(pool, concurrency, 're-delivery (all duplicates)', now, pids, apply),
      );
    } finally {
      await db.drop();
    }
  }
  if (REPEAT > 1) {
    for (const [label, figures] of Object.entries(runs)) {
      const m = (f: (x: RunFigures) => number) => median(figures.map(f)).toFixed(1);
      console.log(
        `| **median of ${REPEAT}**, ${label === 'first' ? 'first delivery' : 're-delivery'} | ${concurrency} | | | | | ` +
          `**${m((x) => x.nodeUs)} + ${m((x) => x.dbUs)}** | | ${m((x) => x.walKiB)} |`,
      );
    }
  }
}
