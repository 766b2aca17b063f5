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
import { erasureProgress } from '../domain/erasure-progress.ts';
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

interface Context extends PrivacyServiceDeps {
  log: Logger;
  now: () => number;
}

/** The erasure orchestrator shared by `hark privacy erase` and POST /v1/privacy/erasures. */
export function createPrivacyService(deps: PrivacyServiceDeps): PrivacyService {
  const ctx: Context = {
    ...deps,
    log: deps.logger.child({ component: 'privacy' }),
    now: deps.now ?? Date.now,
  };
  return {
    erase: (req) => erase(ctx, req),
    status: (requestId) => status(ctx, requestId),
    async waitForCompletion(requestId, opts) {
      const deadline = ctx.now() + opts.timeoutMs;
      for (;;) {
        const s = await status(ctx, requestId);
        opts.onProgress?.(s);
        if (s.status === 'completed') return s;
        if (!s.audit.propagatedAt) await propagate(ctx, requestId);
        if (ctx.now() >= deadline) return s;
        await sleep(opts.pollMs ?? 500);
      }
    },
  };
}

/**
 * Each step records that it ran (audit row, erased_at, propagated_at) before
 * the next, so a run that stops anywhere is resumed by the same request.
 */
async function erase(ctx: Context, req: ErasureRequest): Promise<ErasureStatus> {
  const problems = checkRequestMeta(req);
  if (problems.length > 0)
    throw new HarkError('HARK_PRIVACY_BAD_REQUEST', problems.join('; '), {
      context: { problems },
    });
  const digest = subjectDigest(ctx.secret, req.subject);
  const previous = await auditsByDigest(ctx.pool, [digest]);
  const open = previous.find((a) => a.status === 'pending');
  if (req.subject.kind === 'customer' && !open) {
    const erased = await customerErased(ctx, req.subject.customerId);
    const done = previous.find((a) => a.status === 'completed');
    if (erased && done) return status(ctx, done.requestId, true);
  }
  const requestId = open?.requestId ?? (await openRequest(ctx, req, digest));
  if (open) ctx.log.info({ requestId }, 'resuming an open erasure request for the same subject');
  let audit = (await getAudit(ctx.pool, requestId))!;
  if (!audit.erasedAt) {
    await eraseIdentitySide(ctx, req, requestId);
    audit = (await getAudit(ctx.pool, requestId))!;
  }
  if (!audit.propagatedAt) await propagate(ctx, requestId);
  return status(ctx, requestId, open !== undefined);
}

/** Whether the customer's record is already erased; an unknown customer is refused. */
async function customerErased(ctx: Context, customerId: string): Promise<boolean> {
  const { rows } = await ctx.pool.query<{ erased: boolean }>(
    'select erased_at is not null as erased from customers where external_id = $1',
    [customerId],
  );
  if (!rows[0])
    throw new HarkError(
      'HARK_CRM_CUSTOMER_NOT_FOUND',
      `no customer with external id ${customerId}; check the id against the CRM (nothing was erased)`,
      { context: { customerId } },
    );
  return rows[0].erased;
}

async function openRequest(ctx: Context, req: ErasureRequest, digest: string): Promise<string> {
  const requestId = `er_${randomUUID()}`;
  await insertAudit(ctx.pool, {
    requestId,
    subjectKind: req.subject.kind,
    subjectDigest: digest,
    requestedBy: req.requestedBy,
    reasonCode: req.reason,
    source: req.source,
  });
  ctx.log.info(
    { requestId, subjectKind: req.subject.kind, source: req.source },
    'erasure requested',
  );
  return requestId;
}

/** Step (b): the identity side in one transaction, with the outbox of what to produce. */
function eraseIdentitySide(ctx: Context, req: ErasureRequest, requestId: string): Promise<void> {
  return withTransaction(ctx.pool, async (client) => {
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
      secret: ctx.secret,
      now: ctx.now(),
      source: req.source,
      emitEvents: true,
      shred: ctx.shred,
    });
    const subjectEvent = result.plan.events.find((e) => e.key === subjectKey(req.subject))?.event
      .eventId;
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
    ctx.log.info({ requestId, counts: result.counts }, 'identity side erased');
  });
}

/** Step (c): produces the outbox (acks=all), then clears it; a failure leaves it for a resume. */
async function propagate(ctx: Context, requestId: string): Promise<void> {
  const rows = await readOutbox(ctx.pool, requestId);
  const links = rows.filter((r) => r.kind === 'link_tombstone');
  const events = rows.filter((r) => r.kind === 'compliance_event' && r.event);
  try {
    if (rows.length > 0) {
      await ctx.producer.send({
        topic: ctx.topics.links,
        acks: -1,
        messages: links.map((r) => ({ key: r.key, value: null })),
      });
      await ctx.producer.send({
        topic: ctx.topics.compliance,
        acks: -1,
        messages: events.map((r) => ({
          key: r.key,
          value: ctx.complianceEncoder.encode(r.event!),
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
  await clearOutbox(ctx.pool, requestId);
  await markPropagated(ctx.pool, requestId);
  ctx.log.info(
    { requestId, tombstones: links.length, events: events.length },
    'erasure propagated to Kafka',
  );
}

/** The request as it stands; completes it once propagated and every rollup report is in. */
async function status(ctx: Context, requestId: string, resumed = false): Promise<ErasureStatus> {
  let audit = await getAudit(ctx.pool, requestId);
  if (!audit)
    throw new HarkError('HARK_PRIVACY_REQUEST_NOT_FOUND', `no erasure request ${requestId}`, {
      context: { requestId },
    });
  const steps = await stepsOf(ctx.pool, requestId);
  const { waitingFor, factsRemoved, windowsRestated } = erasureProgress(
    audit.eventIds,
    steps,
    ROLLUP_STAGE,
  );
  if (audit.status === 'pending' && audit.propagatedAt && waitingFor === 0) {
    await markCompleted(ctx.pool, requestId, { factsRemoved, windowsRestated });
    audit = (await getAudit(ctx.pool, requestId))!;
    ctx.log.info({ requestId, counts: audit.counts }, 'erasure completed');
  }
  return { requestId, status: audit.status, resumed, audit, steps, waitingFor };
}
