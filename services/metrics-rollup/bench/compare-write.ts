/**
 * Paired comparison of write-path variants on a shared, noisy machine: every
 * batch is applied to each variant's own database in turn (rotating the
 * order), and each variant's PostgreSQL backend CPU is summed around its own
 * transactions, so load from other processes hits all variants alike.
 * A variant is a source tree (its rollup-store.ts and migrations) plus
 * optional SQL run after its migrations.
 *
 *   BENCH_VARIANTS='[{"label":"now"},{"label":"no author index","sql":"drop index mentions_author_idx"}]' \
 *     npx tsx services/metrics-rollup/bench/compare-write.ts
 */
import { loadavg } from 'node:os';
import { toMentionFact } from '../src/domain/mention-fact.ts';
import { cpuTicks, median, openBenchDatabase, type BenchDatabase } from './bench-database.ts';
import { makeWorkload } from './workload.ts';

interface Variant {
  label: string;
  /** Repository root whose metrics-rollup store and migrations to run; this one when absent. */
  root?: string;
  sql?: string;
}

const COUNT = Number(process.env.BENCH_MENTIONS ?? 60_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const VARIANTS = JSON.parse(process.env.BENCH_VARIANTS ?? '[{"label":"this tree"}]') as Variant[];

interface Prepared extends BenchDatabase {
  variant: Variant;
  /** The backend of the variant's only connection: it runs every transaction. */
  pid: number;
  wal: number;
}

async function prepare(variant: Variant, now: number): Promise<Prepared> {
  const db = await openBenchDatabase({ now, max: 1, root: variant.root, setupSql: variant.sql });
  const { rows } = await db.pool.query<{ pid: number }>('select pg_backend_pid() as pid');
  return { ...db, variant, pid: rows[0]!.pid, wal: 0 };
}

console.log(
  `metrics-rollup write variants, paired: ${COUNT} mentions per run in batches of ${BATCH}, ${REPEAT} runs, load average ${loadavg()[0]!.toFixed(2)} at start\n`,
);
const results = new Map<
  string,
  { first: number[]; again: number[]; wal: number[]; client: number[] }
>(VARIANTS.map((v) => [v.label, { first: [], again: [], wal: [], client: [] }]));
for (let r = 0; r < REPEAT; r++) {
  const now = Date.now();
  const prepared: Prepared[] = [];
  for (const v of VARIANTS) prepared.push(await prepare(v, now));
  try {
    for (const p of prepared) await p.warmUp(BATCH);
    for (const pass of ['first', 'again'] as const) {
      const used = new Map(prepared.map((p) => [p, 0]));
      const client = new Map(prepared.map((p) => [p, 0]));
      for (let i = 0; i < COUNT / BATCH; i++) {
        const batch = makeWorkload({
          count: BATCH,
          authors: 100_000,
          now,
          seed: i + 1,
          prefix: `b${i}-`,
        }).map(toMentionFact);
        for (let k = 0; k < prepared.length; k++) {
          const p = prepared[(i + k) % prepared.length]!;
          const t0 = cpuTicks([p.pid]);
          const { rows } = await p.pool.query<{ b: string }>(
            `select pg_current_wal_insert_lsn() - '0/0'::pg_lsn as b`,
          );
          const w0 = Number(rows[0]!.b);
          const c0 = process.cpuUsage();
          await p.apply(batch);
          const c = process.cpuUsage(c0);
          client.set(p, client.get(p)! + c.user + c.system);
          const { rows: after } = await p.pool.query<{ b: string }>(
            `select pg_current_wal_insert_lsn() - '0/0'::pg_lsn as b`,
          );
          // Other sessions write WAL too; only this transaction's stretch is counted (an upper bound).
          p.wal += Number(after[0]!.b) - w0;
          used.set(p, used.get(p)! + cpuTicks([p.pid]) - t0);
        }
      }
      for (const p of prepared) {
        const res = results.get(p.variant.label)!;
        res[pass].push((used.get(p)! * 10_000) / COUNT);
        if (pass === 'first') res.wal.push(p.wal / COUNT / 1024);
        // This process's CPU while the variant's transactions ran (µs), batch generation excluded.
        if (pass === 'first') res.client.push(client.get(p)! / COUNT);
      }
    }
  } finally {
    for (const p of prepared) await p.drop();
  }
}
console.log(
  '| variant | PostgreSQL CPU µs per mention, first delivery (median; runs) | re-delivery | client CPU µs per mention, first delivery | WAL KiB per mention (upper bound) |',
);
console.log('|---|---|---|---|---|');
for (const [label, r] of results) {
  const f = (xs: number[]) =>
    `**${median(xs).toFixed(1)}** (${xs.map((x) => x.toFixed(1)).join(', ')})`;
  console.log(
    `| ${label} | ${f(r.first)} | ${f(r.again)} | ${f(r.client)} | ${median(r.wal).toFixed(2)} |`,
  );
}
