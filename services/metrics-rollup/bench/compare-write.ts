/**
 * Paired comparison of write-path variants on a shared, noisy machine: every
 * batch is applied to each variant's own database in turn (rotating the
 * order), and each variant's PostgreSQL backend CPU is summed around its own
 * transactions, so load from other processes hits all variants alike.
 * A variant is a source tree (its rollup-store.ts and migrations) plus
 * optional SQL run after its migrations.
 *
 *   BENCH_VARIANTS='[{"label":"now","root":"."},{"label":"no theme index","root":".","sql":"drop index mentions_theme_idx"}]' \
 *     npx tsx services/metrics-rollup/bench/compare-write.ts
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { createPool, migrate, type Pool } from '@hark/db';
import { createLogger } from '@hark/observability';
import { createTestDatabase } from '@hark/testing';
import { createPartitionManager } from '../src/adapters/partition-manager.ts';
import type { RollupStore } from '../src/adapters/rollup-store.ts';
import { toMentionFact } from '../src/domain/mention-fact.ts';
import { windowStart } from '../src/domain/windows.ts';
import { makeWorkload } from './workload.ts';

interface Variant {
  label: string;
  /** Repository root whose metrics-rollup store and migrations to run. */
  root: string;
  sql?: string;
}

const COUNT = Number(process.env.BENCH_MENTIONS ?? 60_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const VARIANTS = JSON.parse(
  process.env.BENCH_VARIANTS ?? '[{"label":"this tree","root":"."}]',
) as Variant[];
const logger = createLogger({ service: 'metrics-rollup-bench', level: 'warn' });

function ticks(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]);
}

interface Prepared {
  variant: Variant;
  pool: Pool;
  pid: number;
  apply: (batch: ReturnType<typeof toMentionFact>[]) => Promise<unknown>;
  drop: () => Promise<void>;
  wal: number;
}

async function prepare(variant: Variant, now: number): Promise<Prepared> {
  const dir = resolve(variant.root, 'services/metrics-rollup');
  const { createRollupStore } = (await import(`${dir}/src/adapters/rollup-store.ts`)) as {
    createRollupStore: (deps: { pool: Pool }) => RollupStore;
  };
  const db = await createTestDatabase();
  // One connection: its backend does every transaction of the variant.
  const pool = createPool({ url: db.url, logger, max: 1 });
  await migrate({ pool, scope: 'metrics-rollup', dir: `${dir}/migrations`, logger });
  if (variant.sql) await pool.query(variant.sql);
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
  const { rows } = await pool.query<{ pid: number }>('select pg_backend_pid() as pid');
  return {
    variant,
    pool,
    pid: rows[0]!.pid,
    wal: 0,
    apply: async (batch) => {
      await partitions.ensureDays(batch.map((f) => windowStart(f.createdAt, 'day')));
      return store.applyMentions(batch);
    },
    drop: async () => {
      await pool.end();
      await db.drop();
    },
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

console.log(
  `metrics-rollup write variants, paired: ${COUNT} mentions per run in batches of ${BATCH}, ${REPEAT} runs, load average ${loadavg()[0]!.toFixed(2)} at start\n`,
);
const results = new Map<string, { first: number[]; again: number[]; wal: number[] }>(
  VARIANTS.map((v) => [v.label, { first: [], again: [], wal: [] }]),
);
for (let r = 0; r < REPEAT; r++) {
  const now = Date.now();
  const prepared: Prepared[] = [];
  for (const v of VARIANTS) prepared.push(await prepare(v, now));
  try {
    const warm = makeWorkload({
      count: BATCH * 4,
      authors: 1000,
      now,
      prefix: 'warm',
      seed: 7,
    }).map(toMentionFact);
    for (const p of prepared)
      for (let i = 0; i < warm.length; i += BATCH) await p.apply(warm.slice(i, i + BATCH));
    for (const pass of ['first', 'again'] as const) {
      const used = new Map(prepared.map((p) => [p, 0]));
      const walBefore = new Map<Prepared, number>();
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
          const t0 = ticks(p.pid);
          if (pass === 'first' && i === 0) walBefore.set(p, 0);
          const { rows } = await p.pool.query<{ b: string }>(
            `select pg_current_wal_insert_lsn() - '0/0'::pg_lsn as b`,
          );
          const w0 = Number(rows[0]!.b);
          await p.apply(batch);
          const { rows: after } = await p.pool.query<{ b: string }>(
            `select pg_current_wal_insert_lsn() - '0/0'::pg_lsn as b`,
          );
          // Other sessions write WAL too; only this transaction's stretch is counted (an upper bound).
          p.wal += Number(after[0]!.b) - w0;
          used.set(p, used.get(p)! + ticks(p.pid) - t0);
        }
      }
      for (const p of prepared) {
        const res = results.get(p.variant.label)!;
        res[pass].push((used.get(p)! * 10_000) / COUNT);
        if (pass === 'first') res.wal.push(p.wal / COUNT / 1024);
      }
    }
  } finally {
    for (const p of prepared) await p.drop();
  }
}
console.log(
  '| variant | PostgreSQL CPU µs per mention, first delivery (median; runs) | re-delivery | WAL KiB per mention (upper bound) |',
);
console.log('|---|---|---|---|');
for (const [label, r] of results) {
  const f = (xs: number[]) =>
    `**${median(xs).toFixed(1)}** (${xs.map((x) => x.toFixed(1)).join(', ')})`;
  console.log(`| ${label} | ${f(r.first)} | ${f(r.again)} | ${median(r.wal).toFixed(2)} |`);
}
