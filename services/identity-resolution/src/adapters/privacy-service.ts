import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { withTransaction, type Pool } from '@hark/db';
import { HarkError } from '@hark/errors';
import type { ComplianceEvent } from '@hark/events';
import type { Encoder } from '@hark/kafka';
import type { Producer } from 'kafkajs';
import type { Logger } from 'pino';
import {
  checkRequestMeta,
  subjectDigest,
  subjectKey,
  type ErasureSubject,
} from '../domain/erasure-plan.ts';
import {
  auditsByDigest,
  clearOutbox,
  eraseSubject,
  getAudit,
  insertAudit,
  markCompleted,
  markErased,
  markPropagated,
  readOutbox,
  stepsOf,
  type AuditRow,
  type Shredder,
  type StepRow,
} from './privacy-repository.ts';

/** The stage whose report completes an erasure: it holds the facts and the KPIs. */
export const ROLLUP_STAGE = 'metrics-rollup';

export interface ErasureStatus {
  requestId: string;
  status: 'pending' | 'completed';
  /** Whether this call started the request or found one already open (or done) for the subject. */
  resumed: boolean;
  audit: AuditRow;
  steps: StepRow[];
  /** Erasure events metrics-rollup has not reported yet. */
  waitingFor: number;
}

export interface ErasureRequest {
  subject: ErasureSubject;
  requestedBy: string;
  reason: string;
  /** `privacy-cli` or `privacy-api`. */
  source: string;
}

export interface PrivacyService {
  /**
   * Steps (a)–(c): records the request, erases the identity side in one
   * transaction, produces the tombstones and erasure events (acks=all).
   * A request for a subject that already has an open one resumes it.
   */
  erase(req: ErasureRequest): Promise<ErasureStatus>;
  /** The request's audit record and stage reports; completes it when every stage reported. */
  status(requestId: string): Promise<ErasureStatus>;
  /** Polls `status` until completed or `timeoutMs`; never marks a request failed. */
  waitForCompletion(
    requestId: string,
    opts: { timeoutMs: number; pollMs?: number; onProgress?: (s: ErasureStatus) => void },
  ): Promise<ErasureStatus>;
}

export interface PrivacyServiceDeps {
  pool: Pool;
  producer: Pick<Producer, 'send'>;
  complianceEncoder: Encoder<ComplianceEvent>;
  topics: { links: string; compliance: string };
  secret: Buffer;
  shred: Shredder | undefined;
  logger: Logger;
  now?: () => number;
}

/** The erasure orchestrator shared by `hark privacy erase` and POST /v1/privacy/erasures. */
export function createPrivacyService(deps: PrivacyServiceDeps): PrivacyService {
  const log = deps.logger.child({ component: 'privacy' });
  const now = deps.now ?? Date.now;

  async function propagate(requestId: string): Promise<void> {
    const rows = await readOutbox(deps.pool, requestId);
    const links = rows.filter((r) => r.kind === 'link_tombstone');
    const events = rows.filter((r) => r.kind === 'compliance_event' && r.event);
    try {
      if (rows.length > 0) {
        await deps.producer.send({
          topic: deps.topics.links,
          acks: -1,
          messages: links.map((r) => ({ key: r.key, value: null })),
        });
        await deps.producer.send({
          topic: deps.topics.compliance,
          acks: -1,
          messages: events.map((r) => ({
            key: r.key,
            value: deps.complianceEncoder.encode(r.event!),
          })),
        });
      }
    } catch (err) {
      throw new HarkError(
        'HARK_KAFKA_UNAVAILABLE',
        `Kafka did not acknowledge the erasure's tombstones and events: ${(err as Error).message}; the request stays pending, run the same erase again to resume`,
        { cause: err, context: { requestId } },
      );
    }
    await clearOutbox(deps.pool, requestId);
    await markPropagated(deps.pool, requestId);
    log.info(
      { requestId, tombstones: links.length, events: events.length },
      'erasure propagated to Kafka',
    );
  }

  async function status(requestId: string, resumed = false): Promise<ErasureStatus> {
    let audit = await getAudit(deps.pool, requestId);
    if (!audit)
      throw new HarkError('HARK_PRIVACY_REQUEST_NOT_FOUND', `no erasure request ${requestId}`, {
        context: { requestId },
      });
    const steps = await stepsOf(deps.pool, requestId);
    const reported = new Set(steps.filter((s) => s.stage === ROLLUP_STAGE).map((s) => s.eventId));
    const waitingFor = audit.eventIds.filter((id) => !reported.has(id)).length;
    if (audit.status === 'pending' && audit.propagatedAt && waitingFor === 0) {
      const rollup = steps.filter((s) => s.stage === ROLLUP_STAGE);
      await markCompleted(deps.pool, requestId, {
        factsRemoved: rollup.reduce((n, s) => n + s.factsRemoved, 0),
        windowsRestated: rollup.reduce((n, s) => n + s.windowsRestated, 0),
      });
      audit = (await getAudit(deps.pool, requestId))!;
      log.info({ requestId, counts: audit.counts }, 'erasure completed');
    }
    return { requestId, status: audit.status, resumed, audit, steps, waitingFor };
  }

  return {
    async erase(req) {
      const problems = checkRequestMeta(req);
      if (problems.length > 0)
        throw new HarkError('HARK_PRIVACY_BAD_REQUEST', problems.join('; '), {
          context: { problems },
        });
      const digest = subjectDigest(deps.secret, req.subject);
      const previous = await auditsByDigest(deps.pool, [digest]);
      const open = previous.find((a) => a.status === 'pending');
      if (req.subject.kind === 'customer' && !open) {
        const { rows } = await deps.pool.query<{ erased: boolean }>(
          'select erased_at is not null as erased from customers where external_id = $1',
          [req.subject.customerId],
        );
        if (!rows[0])
          throw new HarkError(
            'HARK_CRM_CUSTOMER_NOT_FOUND',
            `no customer with external id ${req.subject.customerId}; check the id against the CRM (nothing was erased)`,
            { context: { customerId: req.subject.customerId } },
          );
        const done = previous.find((a) => a.status === 'completed');
        if (rows[0].erased && done) return status(done.requestId, true);
      }
      const requestId = open?.requestId ?? `er_${randomUUID()}`;
      if (!open) {
        await insertAudit(deps.pool, {
          requestId,
          subjectKind: req.subject.kind,
          subjectDigest: digest,
          requestedBy: req.requestedBy,
          reasonCode: req.reason,
          source: req.source,
        });
        log.info(
          { requestId, subjectKind: req.subject.kind, source: req.source },
          'erasure requested',
        );
      } else {
        log.info({ requestId }, 'resuming an open erasure request for the same subject');
      }
      let audit = (await getAudit(deps.pool, requestId))!;
      if (!audit.erasedAt) {
        await withTransaction(deps.pool, async (client) => {
          // Two runs resuming one request serialize here; the second finds erased_at set.
          const { rows } = await client.query<{ erased: boolean }>(
            'select erased_at is not null as erased from privacy_audit where request_id = $1 for update',
            [requestId],
          );
          if (rows[0]?.erased) return;
          const result = await eraseSubject(client, {
            subject: req.subject,
            origin: requestId,
            requestId,
            stepEventId: null,
            secret: deps.secret,
            now: now(),
            source: req.source,
            emitEvents: true,
            shred: deps.shred,
          });
          const subjectEvent = result.plan.events.find((e) => e.key === subjectKey(req.subject))
            ?.event.eventId;
          if (subjectEvent) {
            await client.query(
              `insert into privacy_audit_steps (request_id, stage, subject_kind, event_id, facts_removed, windows_restated)
               values ($1, 'identity-resolution', $2, $3, $4, 0) on conflict do nothing`,
              [
                requestId,
                req.subject.kind,
                subjectEvent,
                result.counts.linksRemoved +
                  result.counts.reviewItemsRemoved +
                  result.counts.rejectedRemoved,
              ],
            );
          }
          await markErased(
            client,
            requestId,
            result.counts,
            result.plan.events.map((e) => e.event.eventId),
          );
          log.info({ requestId, counts: result.counts }, 'identity side erased');
        });
        audit = (await getAudit(deps.pool, requestId))!;
      }
      if (!audit.propagatedAt) await propagate(requestId);
      return status(requestId, open !== undefined);
    },

    status: (requestId) => status(requestId),

    async waitForCompletion(requestId, opts) {
      const deadline = now() + opts.timeoutMs;
      for (;;) {
        const s = await status(requestId);
        opts.onProgress?.(s);
        if (s.status === 'completed') return s;
        if (!s.audit.propagatedAt) await propagate(requestId);
        if (now() >= deadline) return s;
        await sleep(opts.pollMs ?? 500);
      }
    },
  };
}
