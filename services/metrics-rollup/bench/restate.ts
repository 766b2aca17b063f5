/**
 * How long restating takes: removing or replacing 1 and 1,000 mentions in
 * one transaction (locks, fact delete/insert, author-days re-derived from
 * the facts, signed rollup changes), over a table already holding
 * BENCH_MENTIONS mentions of the bench workload (event times over the last
 * three days, 100,000 authors).
 *
 *   npm run bench:restate -w @hark/metrics-rollup
 *   BENCH_MENTIONS=200000 BENCH_RUNS=10 npm run bench:restate -w @hark/metrics-rollup
 *
 * Each figure is the median (and max) of BENCH_RUNS transactions on
 * distinct mentions, so no run finds its rows cached by the previous one.
 */
import { loadavg } from 'node:os';
import { createPool, migrate, withTransaction } from '@hark/db';
import { createLogger } from '@hark/observability';
import { createTestDatabase } from '@hark/testing';
import { createPartitionManager } from '../src/adapters/partition-manager.ts';
import {
  createRollupStore,
  restateMentions,
  rollupTransaction,
  type RestateChange,
} from '../src/adapters/rollup-store.ts';
import { toMentionFact, type MentionFact } from '../src/domain/mention-fact.ts';
import { windowStart } from '../src/domain/windows.ts';
import { MIGRATIONS_DIR } from '../src/schema.ts';
import { makeWorkload } from './workload.ts';

const COUNT = Number(process.env.BENCH_MENTIONS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const DAY = 86_400_000;
const logger = createLogger({ service: 'metrics-rollup-bench', level: 'warn' });

const db = await createTestDatabase();
const pool = createPool({ url: db.url, logger, max: 4 });
try {
  await migrate({ pool, scope: 'metrics-rollup', dir: MIGRATIONS_DIR, logger });
  const now = Date.now();
  const partitions = createPartitionManager({
    pool,
    logger,
    now: () => now,
    policy: {
      latenessMs: 7 * DAY,
      futureToleranceMs: 900_000,
      retentionMs: 30 * DAY,
      aheadDays: 2,
    },
  });
  await partitions.maintain();
  const store = createRollupStore({ pool });
  const facts: MentionFact[] = [];
  for (let i = 0; i < COUNT; i += 500) {
    const batch = makeWorkload({
      count: Math.min(500, COUNT - i),
      authors: 100_000,
      now,
      seed: 1 + i / 500,
    }).map(toMentionFact);
    await store.applyMentions(batch);
    facts.push(...batch);
  }
  await pool.query('analyze');
  console.log(
    `restating over ${COUNT.toLocaleString('en')} stored mentions, ${RUNS} runs each, load average ${loadavg()[0]!.toFixed(2)}`,
  );
  console.log('| mentions restated | change | median ms | max ms | per mention ms |');
  console.log('|---|---|---|---|---|');
  let next = 0;
  const take = (n: number) => facts.slice(next, (next += n));
  for (const size of [1, 1000]) {
    for (const kind of ['remove', 'replace (re-scored, +likes)'] as const) {
      const times: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        const picked = take(size);
        const changes: RestateChange[] = picked.map((f) => ({
          mentionId: f.mentionId,
          to:
            kind === 'remove'
              ? null
              : {
                  ...f,
                  revision: 1,
                  likes: f.likes + 1,
                  sentimentLabel: 'negative',
                  sentimentScore: -0.5,
                  sentimentMicros: -500_000,
                },
        }));
        await partitions.ensureDays(picked.map((f) => windowStart(f.createdAt, 'day')));
        const t0 = performance.now();
        await withTransaction(
          pool,
          (client) => restateMentions(client, changes),
          rollupTransaction('bench'),
        );
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)]!;
      console.log(
        `| ${size.toLocaleString('en')} | ${kind} | ${median.toFixed(1)} | ${times.at(-1)!.toFixed(1)} | ${(median / size).toFixed(3)} |`,
      );
    }
  }
} finally {
  await pool.end();
  await db.drop();
}
