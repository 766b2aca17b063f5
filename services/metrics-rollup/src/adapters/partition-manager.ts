import { withTransaction, type Pool, type PoolClient } from '@hark/db';
import type { Logger } from 'pino';
import {
  PARTITIONED_TABLES,
  partitionDay,
  partitionName,
  planPartitions,
  type PartitionPolicy,
  type PartitionedTable,
} from '../domain/partitions.ts';
import { DAY_MS } from '../domain/windows.ts';

export interface PartitionManager {
  /** Creates the daily partitions of every fact table for these day starts, if missing. Cheap when they exist. */
  ensureDays(days: Iterable<number>): Promise<void>;
  /** Creates partitions ahead and drops the ones past retention. */
  maintain(): Promise<{ created: string[]; dropped: string[] }>;
}

const LOCK_KEY = 'metrics-rollup:partitions';

/**
 * Owns the daily partitions of `mentions`, `author_days` and `signals`.
 * DDL runs in short transactions of its own under an advisory lock, never
 * inside a rollup transaction. A drop waits at most `lock_timeout` for
 * readers, so it cannot stall the write path; it is retried next run.
 */
export function createPartitionManager(deps: {
  pool: Pool;
  logger: Logger;
  policy: PartitionPolicy;
  now: () => number;
}): PartitionManager {
  const log = deps.logger.child({ component: 'partitions' });
  const known = new Set<number>();

  async function existingDays(): Promise<Map<PartitionedTable, Set<number>>> {
    const { rows } = await deps.pool.query<{ parent: string; child: string }>(
      `select p.relname as parent, c.relname as child
       from pg_inherits i
       join pg_class c on c.oid = i.inhrelid
       join pg_class p on p.oid = i.inhparent
       where p.oid = any ($1::regclass[])`,
      [[...PARTITIONED_TABLES]],
    );
    const out = new Map<PartitionedTable, Set<number>>(
      PARTITIONED_TABLES.map((t) => [t, new Set<number>()]),
    );
    for (const r of rows) {
      const table = r.parent as PartitionedTable;
      const day = partitionDay(table, r.child);
      if (day !== undefined) out.get(table)?.add(day);
    }
    return out;
  }

  async function create(days: number[]): Promise<string[]> {
    if (days.length === 0) return [];
    const created: string[] = [];
    await withTransaction(
      deps.pool,
      async (client) => {
        await client.query('select pg_advisory_xact_lock(hashtext($1))', [LOCK_KEY]);
        for (const day of days) {
          for (const table of PARTITIONED_TABLES) {
            const name = partitionName(table, day);
            const { rows } = await client.query<{ exists: boolean }>(
              'select to_regclass($1) is not null as exists',
              [name],
            );
            if (rows[0]?.exists) continue;
            // author_days rows are rewritten as authors post again that day: room on the page keeps those updates HOT.
            const storage = table === 'author_days' ? ' with (fillfactor = 80)' : '';
            await client.query(
              `create table ${name} partition of ${table} for values from ('${iso(day)}') to ('${iso(day + DAY_MS)}')${storage}`,
            );
            created.push(name);
          }
        }
      },
      { what: 'creating partitions', code: 'HARK_ROLLUP_WRITE_FAILED' },
    );
    for (const day of days) known.add(day);
    if (created.length > 0) log.info({ partitions: created }, 'created partitions');
    return created;
  }

  async function drop(table: PartitionedTable, day: number): Promise<string | undefined> {
    const name = partitionName(table, day);
    const client = await deps.pool.connect();
    try {
      if (table === 'mentions' && (await tableExists(client, name))) {
        // The claims of the day's mentions go first, on their own: every claim has its fact in
        // this partition, so the join finds them through mention_keys' primary key, and the
        // delete holds no lock on `mentions` that would stall the writers however long it runs.
        await client.query(
          `delete from mention_keys k using ${name} m
           where k.mention_id = m.mention_id and k.created_at = m.created_at`,
        );
      }
      await client.query('begin');
      await client.query(`set local lock_timeout = '5s'`);
      await client.query(`drop table if exists ${name}`);
      await client.query('commit');
      return name;
    } catch (err) {
      await client.query('rollback').catch(() => {});
      log.warn({ err, partition: name }, 'could not drop expired partition; retrying next run');
      return undefined;
    } finally {
      client.release();
    }
  }

  return {
    async ensureDays(days) {
      const missing = [...new Set(days)].filter((d) => !known.has(d)).sort((a, b) => a - b);
      if (missing.length > 0) await create(missing);
    },

    async maintain() {
      const existing = await existingDays();
      // A day counts as present only when every table has it; create() skips the tables that do.
      const complete = new Set(
        [...existing.get(PARTITIONED_TABLES[0])!].filter((d) =>
          PARTITIONED_TABLES.every((t) => existing.get(t)!.has(d)),
        ),
      );
      for (const d of complete) known.add(d);
      const plan = planPartitions(deps.now(), complete, deps.policy);
      const created = await create(plan.create);
      const dropped: string[] = [];
      const now = deps.now();
      for (const table of PARTITIONED_TABLES) {
        const expired = planPartitions(now, existing.get(table)!, deps.policy).drop;
        for (const day of expired) {
          const name = await drop(table, day);
          if (name) dropped.push(name);
          known.delete(day);
        }
      }
      if (dropped.length > 0) log.info({ partitions: dropped }, 'dropped expired partitions');
      return { created, dropped };
    },
  };
}

const iso = (ms: number): string => new Date(ms).toISOString();

async function tableExists(client: PoolClient, name: string): Promise<boolean> {
  const { rows } = await client.query<{ exists: boolean }>(
    'select to_regclass($1) is not null as exists',
    [name],
  );
  return rows[0]?.exists ?? false;
}
