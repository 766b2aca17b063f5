import type { Pool } from '@hark/db';

export interface CursorStore {
  /**
   * Takes or renews the lease of a poller for `leaseMs` and returns its
   * checkpoint (null before the first one). Returns `held` when another
   * instance owns an unexpired lease.
   */
  acquire(
    pollerId: string,
    kind: string,
    owner: string,
    leaseMs: number,
  ): Promise<{ held: true } | { held: false; cursor: unknown }>;
  /** Stores a checkpoint; false when the lease was lost meanwhile (nothing is written then). */
  save(pollerId: string, owner: string, cursor: unknown, leaseMs: number): Promise<boolean>;
  /** Gives the lease up so another instance (or this one restarted) can take over at once. */
  release(pollerId: string, owner: string): Promise<void>;
}

export function createCursorStore(deps: { pool: Pool }): CursorStore {
  return {
    async acquire(pollerId, kind, owner, leaseMs) {
      const { rows } = await deps.pool.query<{ cursor: unknown }>(
        `insert into collector_poller_cursors as c (poller_id, kind, owner, lease_until)
         values ($1, $2, $3, now() + $4 * interval '1 millisecond')
         on conflict (poller_id) do update
           set owner = excluded.owner, lease_until = excluded.lease_until
           where c.owner = excluded.owner or c.owner is null or c.lease_until < now()
         returning cursor`,
        [pollerId, kind, owner, leaseMs],
      );
      return rows.length === 0 ? { held: true } : { held: false, cursor: rows[0]!.cursor };
    },
    async save(pollerId, owner, cursor, leaseMs) {
      const { rowCount } = await deps.pool.query(
        `update collector_poller_cursors
            set cursor = $3::jsonb, polled_at = now(), updated_at = now(),
                lease_until = now() + $4 * interval '1 millisecond'
          where poller_id = $1 and owner = $2`,
        [pollerId, owner, JSON.stringify(cursor), leaseMs],
      );
      return rowCount === 1;
    },
    async release(pollerId, owner) {
      await deps.pool.query(
        `update collector_poller_cursors set owner = null, lease_until = now()
          where poller_id = $1 and owner = $2`,
        [pollerId, owner],
      );
    },
  };
}
