import { toDbError, type Pool } from '@hark/db';
import type { Action } from '@hark/events';

/** A claimed outbox row: this worker owns its delivery until `leaseUntil`. */
export interface ClaimedAction {
  actionId: string;
  action: Action;
  /** The attempt this claim is (1 for the first). */
  attempt: number;
}

export interface OutboxStore {
  /** Adds actions not seen before; returns how many were new. */
  insert(actions: Action[]): Promise<number>;
  /** Leases up to `limit` due actions to this worker (FOR UPDATE SKIP LOCKED) and counts the attempt. */
  claim(limit: number, leaseMs: number): Promise<ClaimedAction[]>;
  markDelivered(c: ClaimedAction, httpStatus: number): Promise<void>;
  /** A failed attempt: retried at `retryAt`, or dead when `retryAt` is null. */
  markFailed(
    c: ClaimedAction,
    reason: string,
    httpStatus: number | null,
    retryAt: Date | null,
  ): Promise<void>;
  counts(): Promise<{ pending: number; dead: number }>;
  /** Deletes delivered and dead rows older than `olderThanMs`. */
  prune(olderThanMs: number): Promise<number>;
}

export function createOutboxStore(deps: { pool: Pool }): OutboxStore {
  const { pool } = deps;
  return {
    async insert(actions) {
      if (actions.length === 0) return 0;
      try {
        const res = await pool.query(
          `insert into action_outbox (action_id, queue, priority, rule_id, rules_version, mention_id, action)
           select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[])
           on conflict (action_id) do nothing`,
          [
            actions.map((a) => a.actionId),
            actions.map((a) => a.queue),
            actions.map((a) => a.priority),
            actions.map((a) => a.ruleId),
            actions.map((a) => a.rulesVersion),
            actions.map((a) => a.mention.mentionId),
            actions.map((a) => JSON.stringify(a)),
          ],
        );
        return res.rowCount ?? 0;
      } catch (err) {
        throw toDbError(err, 'outbox insert');
      }
    },

    async claim(limit, leaseMs) {
      try {
        const res = await pool.query<{ action_id: string; action: Action; attempts: number }>(
          `update action_outbox o
              set attempts = o.attempts + 1,
                  lease_until = now() + make_interval(secs => $2::double precision / 1000),
                  updated_at = now()
            where o.action_id in (
              select action_id from action_outbox
               where status = 'pending' and next_attempt_at <= now()
                 and (lease_until is null or lease_until < now())
               order by next_attempt_at
               limit $1
               for update skip locked)
           returning o.action_id, o.action, o.attempts`,
          [limit, leaseMs],
        );
        return res.rows.map((r) => ({
          actionId: r.action_id,
          action: r.action,
          attempt: r.attempts,
        }));
      } catch (err) {
        throw toDbError(err, 'outbox claim');
      }
    },

    async markDelivered(c, httpStatus) {
      // Guarded by the attempt number: only the claim that owns the row may settle it.
      await pool.query(
        `update action_outbox
            set status = 'delivered', delivered_at = now(), lease_until = null,
                last_http_status = $3, last_error = null, updated_at = now()
          where action_id = $1 and attempts = $2 and status = 'pending'`,
        [c.actionId, c.attempt, httpStatus],
      );
    },

    async markFailed(c, reason, httpStatus, retryAt) {
      await pool.query(
        `update action_outbox
            set status = case when $4::timestamptz is null then 'dead' else 'pending' end,
                next_attempt_at = coalesce($4::timestamptz, next_attempt_at),
                lease_until = null, last_error = $3, last_http_status = $5, updated_at = now()
          where action_id = $1 and attempts = $2 and status = 'pending'`,
        [c.actionId, c.attempt, reason.slice(0, 1000), retryAt, httpStatus],
      );
    },

    async counts() {
      const res = await pool.query<{ pending: string; dead: string }>(
        `select count(*) filter (where status = 'pending') as pending,
                count(*) filter (where status = 'dead') as dead
           from action_outbox where status <> 'delivered'`,
      );
      return { pending: Number(res.rows[0]!.pending), dead: Number(res.rows[0]!.dead) };
    },

    async prune(olderThanMs) {
      const res = await pool.query(
        `delete from action_outbox
          where status <> 'pending' and created_at < now() - make_interval(secs => $1::double precision / 1000)`,
        [olderThanMs],
      );
      return res.rowCount ?? 0;
    },
  };
}
