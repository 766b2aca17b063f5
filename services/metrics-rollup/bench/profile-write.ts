/**
 * Where the PostgreSQL CPU of the write path goes, per statement: the
 * backend's CPU ticks (/proc) before and after each query, summed by
 * statement name over BENCH_MENTIONS mentions in batches of BENCH_BATCH.
 *
 *   npx tsx services/metrics-rollup/bench/profile-write.ts
 *   BENCH_EXPLAIN=1 npx tsx …   # then one more batch with every plan (auto_explain, as notices)
 */
import type pg from 'pg';
import { toMentionFact } from '../src/domain/mention-fact.ts';
import { cpuTicks, openBenchDatabase } from './bench-database.ts';
import { makeWorkload } from './workload.ts';

const COUNT = Number(process.env.BENCH_MENTIONS ?? 50_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const SETUP_SQL = process.env.BENCH_SETUP_SQL ?? '';

const ticks = (pid: number) => cpuTicks([pid]);
const now = Date.now();
const db = await openBenchDatabase({ now, max: 1, setupSql: SETUP_SQL });
const { pool, apply } = db;
try {
  const byStatement = new Map<string, number>();
  const pids = new WeakMap<pg.PoolClient, number>();
  let measuring = false;
  const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  (pool as unknown as { connect: () => Promise<pg.PoolClient> }).connect = async () => {
    const client = await connect();
    if (!pids.has(client)) {
      const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
      pids.set(client, rows[0]!.pid);
      const query = client.query.bind(client) as (...a: unknown[]) => Promise<unknown>;
      (client as unknown as { query: (...a: unknown[]) => unknown }).query = (
        ...args: unknown[]
      ) => {
        const q = args[0] as string | { name?: string; text: string; submit?: unknown };
        const name = typeof q === 'string' ? q.slice(0, 40) : (q.name ?? q.text.slice(0, 40));
        const pid = pids.get(client)!;
        const t0 = ticks(pid);
        const add = () => {
          if (measuring) byStatement.set(name, (byStatement.get(name) ?? 0) + ticks(pid) - t0);
        };
        const result = query(...args);
        // A COPY stream (a submittable) is done when it finishes; a query when its promise settles.
        if (typeof q === 'object' && q.submit)
          (result as unknown as NodeJS.EventEmitter).once('finish', add);
        else (result as Promise<unknown>).then(add, add);
        return result;
      };
    }
    return client;
  };
  const run = async (seedBase: number, count: number) => {
    for (let i = 0; i < count / BATCH; i++) {
      const seed = seedBase + i;
      await apply(
        makeWorkload({ count: BATCH, authors: 100_000, now, seed, prefix: `b${seed}-` }).map(
          toMentionFact,
        ),
      );
    }
  };
  await run(1_000_000, BATCH * 4);
  measuring = true;
  await run(1, COUNT);
  measuring = false;
  if (process.env.BENCH_EXPLAIN) {
    // One more batch with every statement's plan, timings and WAL sent back as notices.
    const c = await pool.connect();
    c.on('notice', (n) => console.log(n.message));
    await c.query(
      `load 'auto_explain'; set auto_explain.log_min_duration = 0; set auto_explain.log_analyze = on;
       set auto_explain.log_wal = on; set auto_explain.log_buffers = on; set auto_explain.log_level = notice`,
    );
    c.release();
    await run(2_000_000, BATCH);
  }
  let total = 0;
  for (const [name, t] of byStatement) {
    total += t;
    console.log(`${name.padEnd(42)} ${((t * 10_000) / COUNT).toFixed(1)} µs/mention`);
  }
  console.log(`${'total'.padEnd(42)} ${((total * 10_000) / COUNT).toFixed(1)} µs/mention`);
} finally {
  await db.drop();
}
