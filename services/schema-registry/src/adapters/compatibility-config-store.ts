import type { Pool } from '@hark/db';
import type { Logger } from '@hark/observability';
import {
  DEFAULT_COMPATIBILITY,
  isCompatibilityLevel,
  type CompatibilityLevel,
} from '../domain/compatibility-level.ts';
import type { Queryable } from './schema-loader.ts';

/** The global and per-subject compatibility levels (`/config`). */
export interface CompatibilityConfigStore {
  getGlobalLevel(): Promise<CompatibilityLevel>;
  setGlobalLevel(level: CompatibilityLevel): Promise<void>;
  getSubjectLevel(subject: string): Promise<CompatibilityLevel | undefined>;
  setSubjectLevel(subject: string, level: CompatibilityLevel): Promise<void>;
  /** Removes the subject-level config; answers what it was, undefined if there was none. */
  deleteSubjectLevel(subject: string): Promise<CompatibilityLevel | undefined>;
}

export function createCompatibilityConfigStore(deps: {
  pool: Pool;
  log: Logger;
}): CompatibilityConfigStore {
  const { pool, log } = deps;
  return {
    async getGlobalLevel() {
      const { rows } = await pool.query<{ compatibility: string }>(
        'select compatibility from registry_global_config',
      );
      return levelOr(rows[0]?.compatibility, DEFAULT_COMPATIBILITY);
    },

    async setGlobalLevel(level) {
      await pool.query(
        `insert into registry_global_config (singleton, compatibility) values (true, $1)
         on conflict (singleton) do update set compatibility = excluded.compatibility, updated_at = now()`,
        [level],
      );
      log.info({ level }, 'set global compatibility');
    },

    async getSubjectLevel(subject) {
      const { rows } = await pool.query<{ compatibility: string }>(
        'select compatibility from registry_subject_config where subject = $1',
        [subject],
      );
      return levelOr(rows[0]?.compatibility, undefined);
    },

    async setSubjectLevel(subject, level) {
      await pool.query(
        `insert into registry_subject_config (subject, compatibility) values ($1, $2)
         on conflict (subject) do update set compatibility = excluded.compatibility, updated_at = now()`,
        [subject, level],
      );
      log.info({ subject, level }, 'set subject compatibility');
    },

    async deleteSubjectLevel(subject) {
      const { rows } = await pool.query<{ compatibility: string }>(
        'delete from registry_subject_config where subject = $1 returning compatibility',
        [subject],
      );
      return levelOr(rows[0]?.compatibility, undefined);
    },
  };
}

/** The level that applies to the subject: its own, else the global one, else the default. */
export async function effectiveLevel(db: Queryable, subject: string): Promise<CompatibilityLevel> {
  const { rows } = await db.query<{ level: string | null }>(
    `select coalesce(
       (select compatibility from registry_subject_config where subject = $1),
       (select compatibility from registry_global_config)) as level`,
    [subject],
  );
  return levelOr(rows[0]?.level, DEFAULT_COMPATIBILITY);
}

function levelOr<T>(level: string | null | undefined, fallback: T): CompatibilityLevel | T {
  return isCompatibilityLevel(level) ? level : fallback;
}
