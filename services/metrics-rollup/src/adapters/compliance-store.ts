import { withTransaction, type Pool, type PoolClient } from '@hark/db';
import type { CompliancePlan } from '../domain/compliance.ts';
import { restateMentions, rollupTransaction } from './rollup-store.ts';

export const AUDIT_STAGE = 'metrics-rollup';

export interface ComplianceOutcome {
  /** The eventId was handled before: nothing changed. */
  duplicate: boolean;
  /** Facts removed from the rollups. */
  factsRemoved: number;
  /** Facts whose text, title, url, handle and name were blanked. */
  factsScrubbed: number;
  /** Rollup rows (grain × brand × platform × window) restated. */
  windowsRestated: number;
}

export interface ComplianceStore {
  /** Carries out one compliance event in one transaction, once per eventId. */
  apply(event: { eventId: string; kind: string }, plan: CompliancePlan): Promise<ComplianceOutcome>;
}

const SCRUB_SET = `text = '', title = null, url = null, author_handle = '', author_name = null`;

/**
 * Compliance events against the facts and rollups. Post events lock the
 * mention's claim row (creating a tombstone or pending claim when the
 * mention has not arrived yet), so they serialize with its delivery.
 * Author and customer events first take a SHARE ROW EXCLUSIVE lock on
 * `mention_keys`: in-flight mention transactions finish, new ones wait, so
 * none can slip a fact of the subject in between the suppression record and
 * the removal. They are rare and short; the writers stall only for them.
 */
export function createComplianceStore(deps: { pool: Pool }): ComplianceStore {
  return {
    apply: (event, plan) =>
      withTransaction(
        deps.pool,
        async (client) => {
          const { rowCount } = await client.query(
            `insert into compliance_events (event_id, kind, facts_changed) values ($1, $2, 0)
           on conflict (event_id) do nothing`,
            [event.eventId, event.kind],
          );
          if (rowCount === 0) {
            return { duplicate: true, factsRemoved: 0, factsScrubbed: 0, windowsRestated: 0 };
          }
          const outcome = await carryOut(client, plan);
          await client.query(
            `update compliance_events set facts_changed = $2 where event_id = $1`,
            [event.eventId, outcome.factsRemoved + outcome.factsScrubbed],
          );
          if (plan.audit && plan.action.kind === 'subject') {
            await client.query(
              `insert into privacy_audit_steps
               (request_id, stage, subject_kind, event_id, facts_removed, windows_restated)
             values ($1, $2, $3, $4, $5, $6)
             on conflict (request_id, stage, subject_kind, event_id) do nothing`,
              [
                plan.audit.requestId,
                AUDIT_STAGE,
                plan.action.subject,
                event.eventId,
                outcome.factsRemoved,
                outcome.windowsRestated,
              ],
            );
          }
          return { duplicate: false, ...outcome };
        },
        rollupTransaction('compliance'),
      ),
  };
}

async function carryOut(
  client: PoolClient,
  plan: CompliancePlan,
): Promise<Omit<ComplianceOutcome, 'duplicate'>> {
  const a = plan.action;
  switch (a.kind) {
    case 'remove-post': {
      const r = await restateMentions(client, [{ mentionId: a.mentionId, to: null }]);
      await client.query(`delete from corrections where mention_id = $1`, [a.mentionId]);
      return { factsRemoved: r.removed, factsScrubbed: 0, windowsRestated: r.windows };
    }
    case 'scrub-post': {
      // A claim that does not exist yet becomes `pending`: the mention counts when it arrives, scrubbed.
      const { rows } = await client.query<{ state: string; created_at: Date | null }>(
        `insert into mention_keys as k (mention_id, created_at, revision, state, scrub_below, removed_at)
         values ($1, null, 0, 'pending', $2, now())
         on conflict (mention_id) do update set scrub_below = greatest(k.scrub_below, excluded.scrub_below)
         returning state, created_at`,
        [a.mentionId, a.scrubBelow],
      );
      const key = rows[0]!;
      if (key.state !== 'counted' || key.created_at === null) {
        return { factsRemoved: 0, factsScrubbed: 0, windowsRestated: 0 };
      }
      const { rowCount } = await client.query(
        `update mentions set ${SCRUB_SET}, scrubbed = coalesce(scrubbed, $4)
         where mention_id = $1 and created_at = $2 and revision < $3`,
        [a.mentionId, key.created_at, a.scrubBelow, a.reason],
      );
      return { factsRemoved: 0, factsScrubbed: rowCount ?? 0, windowsRestated: 0 };
    }
    case 'subject': {
      await client.query('lock table mention_keys in share row exclusive mode');
      await client.query(
        `insert into compliance_subjects as s (subject_kind, platform, subject_id, action, until)
         values ($1, $2, $3, $4, timestamptz 'epoch' + $5::bigint * interval '1 millisecond')
         on conflict (subject_kind, platform, subject_id, action)
           do update set until = greatest(s.until, excluded.until), recorded_at = now()`,
        [a.subject, a.platform, a.subjectId, a.action, a.until],
      );
      const match =
        a.subject === 'author'
          ? `platform = $1 and author_id = $2`
          : `customer_id = $2 and $1::text = ''`;
      const until = `created_at <= timestamptz 'epoch' + $3::bigint * interval '1 millisecond'`;
      if (a.action === 'scrub') {
        const { rowCount } = await client.query(
          `update mentions set ${SCRUB_SET}, scrubbed = coalesce(scrubbed, $4)
           where ${match} and ${until} and scrubbed is null`,
          [a.platform, a.subjectId, a.until, a.reason],
        );
        return { factsRemoved: 0, factsScrubbed: rowCount ?? 0, windowsRestated: 0 };
      }
      const { rows } = await client.query<{ mention_id: string }>(
        `select mention_id from mentions where ${match} and ${until}`,
        [a.platform, a.subjectId, a.until],
      );
      if (rows.length === 0) return { factsRemoved: 0, factsScrubbed: 0, windowsRestated: 0 };
      const r = await restateMentions(
        client,
        rows.map((row) => ({ mentionId: row.mention_id, to: null })),
      );
      // Corrections hold labels and a reason about the erased posts: they go with them.
      await client.query(`delete from corrections where mention_id = any($1::text[])`, [
        rows.map((row) => row.mention_id),
      ]);
      return { factsRemoved: r.removed, factsScrubbed: 0, windowsRestated: r.windows };
    }
  }
}
