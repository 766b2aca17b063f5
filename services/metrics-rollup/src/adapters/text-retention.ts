import type { Pool } from '@hark/db';
import type { Logger } from 'pino';

export interface RetentionRun {
  /** Facts whose text, title, url, handle and name were blanked. */
  scrubbed: number;
  /** Tombstones, pending claims, suppression and handled-event records past RETENTION. */
  expired: number;
}

export interface TextRetention {
  run(): Promise<RetentionRun>;
}

const CHUNK = 5000;
const DAY = 86_400_000;
/** 0001-01-01T00:00:00Z: older than any fact, within PostgreSQL's range. */
const YEAR_1 = -62_135_596_800_000;

/**
 * Minimisation: blanks the personal and content fields of facts older than
 * `textRetentionMs` (null: off), in chunks of 5,000 rows per transaction so
 * writers are never blocked for long, and deletes the compliance records
 * that can no longer matter: tombstones, pending claims, suppressions and
 * handled event ids older than RETENTION (any mention they could stop is
 * past ROLLUP_LATENESS and goes to dlq). Counts are never touched.
 *
 * A run scans only from where the last one stopped (kept in
 * `text_retention_progress`, so a restart does not rescan months of
 * partitions), reaching back ROLLUP_LATENESS + 1d: a fact written since
 * (late, or an edit) can be that much older than the clock was then.
 */
export function createTextRetention(deps: {
  pool: Pool;
  logger: Logger;
  now: () => number;
  textRetentionMs: number | null;
  retentionMs: number;
  latenessMs: number;
}): TextRetention {
  const log = deps.logger.child({ component: 'text-retention' });
  const at = (param: string) => `timestamptz 'epoch' + ${param}::bigint * interval '1 millisecond'`;
  return {
    async run() {
      const now = deps.now();
      let scrubbed = 0;
      if (deps.textRetentionMs !== null) {
        const cutoff = now - deps.textRetentionMs;
        const { rows } = await deps.pool.query<{ ms: string }>(
          `select (extract(epoch from scanned_up_to) * 1000)::bigint as ms from text_retention_progress`,
        );
        const scannedUpTo = rows[0] ? Number(rows[0].ms) : YEAR_1;
        const from = Math.max(YEAR_1, Math.min(scannedUpTo, now - deps.latenessMs - DAY));
        for (;;) {
          const { rowCount } = await deps.pool.query(
            `update mentions m set text = '', title = null, url = null, author_handle = '',
                    author_name = null, scrubbed = 'retention'
             from (select mention_id, created_at from mentions
                   where created_at >= ${at('$1')} and created_at < ${at('$2')} and scrubbed is null
                   limit ${CHUNK}) o
             where m.mention_id = o.mention_id and m.created_at = o.created_at`,
            [from, cutoff],
          );
          scrubbed += rowCount ?? 0;
          if ((rowCount ?? 0) < CHUNK) break;
        }
        await deps.pool.query(
          `insert into text_retention_progress as p (id, scanned_up_to) values (true, ${at('$1')})
           on conflict (id) do update set scanned_up_to = greatest(p.scanned_up_to, excluded.scanned_up_to)`,
          [cutoff],
        );
      }
      const limit = now - deps.retentionMs;
      const expired =
        ((
          await deps.pool.query(
            `delete from mention_keys where state <> 'counted' and removed_at < ${at('$1')}`,
            [limit],
          )
        ).rowCount ?? 0) +
        ((
          await deps.pool.query(`delete from compliance_subjects where until < ${at('$1')}`, [
            limit,
          ])
        ).rowCount ?? 0) +
        ((
          await deps.pool.query(`delete from compliance_events where handled_at < ${at('$1')}`, [
            limit,
          ])
        ).rowCount ?? 0);
      if (scrubbed > 0 || expired > 0) log.info({ scrubbed, expired }, 'retention applied');
      return { scrubbed, expired };
    },
  };
}
