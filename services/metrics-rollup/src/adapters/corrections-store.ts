import { withTransaction, type Pool } from '@hark/db';
import type { IntentLabel, SentimentLabel } from '@hark/events';
import type { MentionFact } from '../domain/mention-fact.ts';
import { applyCorrection, type CorrectionInput } from '../domain/restatement.ts';
import { lockKeys, restateMentions, rollupTransaction, rowToFact } from './rollup-store.ts';

export interface CorrectionRequest extends CorrectionInput {
  mentionId: string;
  reason: string;
}

export type CorrectionOutcome =
  | {
      mentionId: string;
      status: 'applied';
      correctionId: string;
      revision: number;
      sentiment: SentimentLabel;
      sentimentScore: number;
      intent: IntentLabel;
    }
  | { mentionId: string; status: 'not_found' };

export interface StoredCorrection {
  correctionId: string;
  mentionId: string;
  revision: number;
  sentiment: string | null;
  sentimentScore: number | null;
  intent: string | null;
  reason: string;
  correctedBy: string;
  correctedAt: string;
}

/** One labeled example: the text as the model saw it, its output, and the analyst's label. */
export interface LabeledExample {
  correctionId: string;
  mentionId: string;
  revision: number;
  platform: string;
  lang: string | null;
  title: string | null;
  text: string;
  model: {
    sentiment: { label: string; score: number; model: string };
    intent: { label: string; confidence: number };
  };
  corrected: { sentiment: string | null; sentimentScore: number | null; intent: string | null };
  correctedBy: string;
  reason: string;
  correctedAt: string;
}

export interface CorrectionsStore {
  /** Stores the corrections and restates the rollups, all in one transaction. */
  correct(items: readonly CorrectionRequest[], who: string): Promise<CorrectionOutcome[]>;
  /** Corrections (history, oldest first) made at or after `since`, after the cursor. */
  list(q: { since: number; after?: string; limit: number }): Promise<StoredCorrection[]>;
  /**
   * One example per corrected mention whose latest correction was made at or
   * after `since` (after the cursor) on the mention's current revision, with
   * the labels in force (every field the analysts corrected) and the latest
   * who/why/when. Scrubbed texts (deleted, private, past retention) are left out.
   */
  exportPage(q: { since: number; after?: string; limit: number }): Promise<LabeledExample[]>;
}

export function createCorrectionsStore(deps: { pool: Pool }): CorrectionsStore {
  return {
    correct: (items, who) =>
      withTransaction(
        deps.pool,
        async (client) => {
          const keys = await lockKeys(
            client,
            items.map((i) => i.mentionId),
          );
          const counted = [...keys].filter(
            ([, k]) => k.state === 'counted' && k.createdAt !== null,
          );
          const { rows } = await client.query<Record<string, unknown> & { mention_id: string }>(
            `select m.* from mentions m
           join unnest($1::text[], $2::bigint[]) as k (mention_id, created_ms)
             on m.mention_id = k.mention_id
            and m.created_at = timestamptz 'epoch' + k.created_ms * interval '1 millisecond'`,
            [counted.map(([id]) => id), counted.map(([, k]) => k.createdAt)],
          );
          const facts = new Map<string, MentionFact>(rows.map((r) => [r.mention_id, rowToFact(r)]));
          const corrected = new Map<string, MentionFact>();
          for (const item of items) {
            const f = corrected.get(item.mentionId) ?? facts.get(item.mentionId);
            if (f) corrected.set(item.mentionId, applyCorrection(f, item));
          }
          if (corrected.size > 0) {
            await restateMentions(
              client,
              [...corrected].map(([mentionId, to]) => ({ mentionId, to })),
            );
          }
          const out: CorrectionOutcome[] = [];
          for (const item of items) {
            const f = corrected.get(item.mentionId);
            if (!f) {
              out.push({ mentionId: item.mentionId, status: 'not_found' });
              continue;
            }
            const { rows: ids } = await client.query<{ correction_id: string }>(
              `insert into corrections
               (mention_id, revision, sentiment_label, sentiment_score, intent_label, reason, corrected_by)
             values ($1, $2, $3, $4, $5, $6, $7) returning correction_id`,
              [
                item.mentionId,
                f.revision,
                item.sentiment ?? null,
                item.sentiment ? f.sentimentScore : null,
                item.intent ?? null,
                item.reason,
                who,
              ],
            );
            out.push({
              mentionId: item.mentionId,
              status: 'applied',
              correctionId: ids[0]!.correction_id,
              revision: f.revision,
              sentiment: f.sentimentLabel,
              sentimentScore: f.sentimentScore,
              intent: f.intentLabel,
            });
          }
          return out;
        },
        rollupTransaction('corrections'),
      ),

    async list({ since, after, limit }) {
      const { rows } = await deps.pool.query<Record<string, unknown>>(
        `select correction_id, mention_id, revision, sentiment_label, sentiment_score, intent_label,
                reason, corrected_by, corrected_at
         from corrections
         where corrected_at >= timestamptz 'epoch' + $1::bigint * interval '1 millisecond'
           and correction_id > $2::bigint
         order by correction_id
         limit $3`,
        [since, after ?? '0', limit],
      );
      return rows.map((r) => ({
        correctionId: String(r.correction_id),
        mentionId: r.mention_id as string,
        revision: Number(r.revision),
        sentiment: r.sentiment_label as string | null,
        sentimentScore: r.sentiment_score === null ? null : Number(r.sentiment_score),
        intent: r.intent_label as string | null,
        reason: r.reason as string,
        correctedBy: r.corrected_by as string,
        correctedAt: (r.corrected_at as Date).toISOString(),
      }));
    },

    async exportPage({ since, after, limit }) {
      const { rows } = await deps.pool.query<Record<string, unknown>>(
        `select c.correction_id, c.mention_id, c.revision,
                case when m.sentiment_corrected then m.sentiment_label end as c_sentiment,
                case when m.sentiment_corrected then m.sentiment_score end as c_score,
                case when m.intent_corrected then m.intent_label end as c_intent, c.reason, c.corrected_by,
                c.corrected_at, m.platform, m.lang, m.title, m.text, m.sentiment_model,
                coalesce(m.model_sentiment_label, m.sentiment_label) as model_sentiment,
                coalesce(m.model_sentiment_score, m.sentiment_score) as model_score,
                coalesce(m.model_intent_label, m.intent_label) as model_intent,
                m.intent_confidence
         from corrections c
         join mention_keys k on k.mention_id = c.mention_id and k.state = 'counted'
         join mentions m on m.mention_id = k.mention_id and m.created_at = k.created_at
         where c.corrected_at >= timestamptz 'epoch' + $1::bigint * interval '1 millisecond'
           and c.correction_id > $2::bigint
           and m.revision = c.revision
           and m.scrubbed is null
           and not exists (select from corrections l
                           where l.mention_id = c.mention_id and l.correction_id > c.correction_id)
         order by c.correction_id
         limit $3`,
        [since, after ?? '0', limit],
      );
      return rows.map((r) => ({
        correctionId: String(r.correction_id),
        mentionId: r.mention_id as string,
        revision: Number(r.revision),
        platform: r.platform as string,
        lang: r.lang as string | null,
        title: r.title as string | null,
        text: r.text as string,
        model: {
          sentiment: {
            label: r.model_sentiment as string,
            score: Number(r.model_score),
            model: r.sentiment_model as string,
          },
          intent: { label: r.model_intent as string, confidence: Number(r.intent_confidence) },
        },
        corrected: {
          sentiment: r.c_sentiment as string | null,
          sentimentScore: r.c_score === null ? null : Number(r.c_score),
          intent: r.c_intent as string | null,
        },
        correctedBy: r.corrected_by as string,
        reason: r.reason as string,
        correctedAt: (r.corrected_at as Date).toISOString(),
      }));
    },
  };
}
