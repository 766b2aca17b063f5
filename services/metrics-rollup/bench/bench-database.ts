/**
 * What every database benchmark needs: a private database with the
 * service's schema and partitions, the write path over it, and the CPU time
 * of PostgreSQL backends read from /proc (the server is local).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPool, migrate, type Pool } from '@hark/db';
import { createLogger } from '@hark/observability';
import { createTestDatabase } from '@hark/testing';
import { createPartitionManager } from '../src/adapters/partition-manager.ts';
import type { ApplyResult, RollupStore } from '../src/adapters/rollup-store.ts';
import { toMentionFact, type MentionFact } from '../src/domain/mention-fact.ts';
import { windowStart } from '../src/domain/windows.ts';
import { makeWorkload } from './workload.ts';

export const logger = createLogger({ service: 'metrics-rollup-bench', level: 'warn' });

/** Linux's USER_HZ: /proc reports CPU time in ticks of 10 ms. */
export const TICKS_PER_SECOND = 100;

/** CPU ticks (user + system) of the given processes so far; a process that exited counts 0. */
export function cpuTicks(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // a backend that exited is counted up to its last reading
    }
  }
  return ticks;
}

export interface BenchDatabase {
  pool: Pool;
  store: RollupStore;
  /** Creates the batch's partitions if needed, then runs the write path, as the handler does. */
  apply(batch: readonly MentionFact[]): Promise<ApplyResult>;
  ensureDays(facts: readonly MentionFact[]): Promise<void>;
  /** Four batches of another population, so connections, prepared statements and caches are warm. */
  warmUp(batch: number): Promise<void>;
  drop(): Promise<void>;
}

/**
 * A fresh database migrated to the schema of the source tree at `root`
 * (this one by default; another checkout lets `compare-write.ts` run an
 * older commit's store and migrations side by side), then `setupSql`.
 */
export async function openBenchDatabase(opts: {
  now: number;
  max: number;
  root?: string;
  setupSql?: string;
}): Promise<BenchDatabase> {
  const root = opts.root ?? fileURLToPath(new URL('../../..', import.meta.url));
  const dir = resolve(root, 'services/metrics-rollup');
  const { createRollupStore } = (await import(`${dir}/src/adapters/rollup-store.ts`)) as {
    createRollupStore: (deps: { pool: Pool }) => RollupStore;
  };
  const db = await createTestDatabase();
  const pool = createPool({ url: db.url, logger, max: opts.max });
  try {
    await migrate({ pool, scope: 'metrics-rollup', dir: `${dir}/migrations`, logger });
    if (opts.setupSql) await pool.query(opts.setupSql);
  } catch (err) {
    await pool.end();
    await db.drop();
    throw err;
  }
  const partitions = createPartitionManager({
    pool,
    logger,
    now: () => opts.now,
    policy: {
      latenessMs: 7 * 86_400_000,
      futureToleranceMs: 900_000,
      retentionMs: 30 * 86_400_000,
      aheadDays: 2,
    },
  });
  await partitions.maintain();
  const store = createRollupStore({ pool });
  const ensureDays = (facts: readonly MentionFact[]) =>
    partitions.ensureDays(facts.map((f) => windowStart(f.createdAt, 'day')));
  return {
    pool,
    store,
    ensureDays,
    apply: async (batch) => {
      await ensureDays(batch);
      return store.applyMentions(batch);
    },
    warmUp: async (batch) => {
      const warm = makeWorkload({
        count: batch * 4,
        authors: 1000,
        now: opts.now,
        prefix: 'warm',
        seed: 7,
      });
      const facts = warm.map(toMentionFact);
      for (let i = 0; i < facts.length; i += batch) {
        await ensureDays(facts.slice(i, i + batch));
        await store.applyMentions(facts.slice(i, i + batch));
      }
    },
    drop: async () => {
      await pool.end();
      await db.drop();
    },
  };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
