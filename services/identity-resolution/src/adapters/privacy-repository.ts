import type { Pool, PoolClient } from '@hark/db';
import type { ComplianceEvent } from '@hark/events';
import {
  planErasure,
  subjectKey,
  type ErasurePlan,
  type ErasureSubject,
  type FoundIdentity,
} from '../domain/erasure-plan.ts';

/** What the identity side of one erasure did. */
export interface EraseCounts {
  authors: number;
  linksRemoved: number;
  reviewItemsRemoved: number;
  rejectedRemoved: number;
  keysShredded: number;
  customersErased: number;
  events: number;
}

export interface EraseResult {
  /** False when a customer subject does not exist (nothing was done). */
  found: boolean;
  plan: ErasurePlan;
  counts: EraseCounts;
}

export interface OutboxRow {
  kind: 'link_tombstone' | 'compliance_event';
  key: string;
  event: ComplianceEvent | null;
}

export interface AuditRow {
  requestId: string;
  subjectKind: 'customer' | 'author';
  subjectDigest: string;
  requestedBy: string;
  reasonCode: string;
  source: string;
  status: 'pending' | 'completed';
  requestedAt: string;
  erasedAt: string | null;
  propagatedAt: string | null;
  completedAt: string | null;
  counts: Record<string, number>;
  eventIds: string[];
}

export interface StepRow {
  stage: string;
  subjectKind: string;
  eventId: string;
  factsRemoved: number;
  windowsRestated: number;
  doneAt: string;
}

/** Shreds the data keys of authors inside the caller's transaction (the @hark/privacy keyring). */
export type Shredder = (authorRefs: readonly string[], client: PoolClient) => Promise<number>;

const PERSONAL_COLUMNS_CLEARED = `first_name = null, last_name = null, full_name = null,
  emails = '{}', phones = '{}', company = null, city = null, region = null, country = null,
  tier = null, value = null, handles = '[]'::jsonb, attributes = '{}'::jsonb`;

/**
 * Erases one subject inside the caller's transaction: shreds the linked
 * authors' keys, empties the customer's personal columns, deletes the
 * identity rows, records the identity step, and queues in the outbox what
 * Kafka must still receive. Idempotent: a second run finds nothing left to
 * delete and queues the same outbox rows (`on conflict do nothing`).
 */
export async function eraseSubject(
  client: PoolClient,
  input: {
    subject: ErasureSubject;
    /** Outbox origin: the request id, or `event:<eventId>` for a compliance event. */
    origin: string;
    requestId: string | null;
    /** eventId recorded in privacy_audit_steps for this subject. */
    stepEventId: string | null;
    secret: Buffer;
    now: number;
    source: string;
    /** Queue erasure events (requests do; a consumed compliance event does not re-announce itself). */
    emitEvents: boolean;
    shred: Shredder | undefined;
  },
): Promise<EraseResult> {
  const { subject } = input;
  let customerRowId: number | null = null;
  let identities: FoundIdentity[];
  if (subject.kind === 'customer') {
    const { rows } = await client.query<{ id: number }>(
      'select id::float8 as id from customers where external_id = $1 for update',
      [subject.customerId],
    );
    if (!rows[0]) {
      const plan = planErasure({ ...input, requestId: input.requestId ?? '', identities: [] });
      return { found: false, plan, counts: zeroCounts() };
    }
    customerRowId = Number(rows[0].id);
    ({ rows: identities } = await client.query<FoundIdentity>(
      `select platform, author_id as "authorId", status from social_identities
        where customer_id = $1 order by platform, author_id for update`,
      [customerRowId],
    ));
  } else {
    ({ rows: identities } = await client.query<FoundIdentity>(
      `select platform, author_id as "authorId", status from social_identities
        where platform = $1 and author_id = $2 for update`,
      [subject.platform, subject.authorId],
    ));
  }
  const plan = planErasure({
    requestId: input.requestId ?? '',
    subject,
    identities,
    secret: input.secret,
    now: input.now,
    source: input.source,
  });
  const keysShredded = input.shred ? await input.shred(plan.authorRefs, client) : 0;
  let customersErased = 0;
  if (customerRowId !== null) {
    const r = await client.query(
      `update customers set ${PERSONAL_COLUMNS_CLEARED}, erased_at = coalesce(erased_at, now())
        where id = $1`,
      [customerRowId],
    );
    customersErased = r.rowCount ?? 0;
  }
  let deleted: { status: string }[] = [];
  if (identities.length > 0) {
    ({ rows: deleted } = await client.query<{ status: string }>(
      `delete from social_identities si using unnest($1::text[], $2::text[]) as k(platform, author_id)
        where si.platform = k.platform and si.author_id = k.author_id returning si.status`,
      [identities.map((i) => i.platform), identities.map((i) => i.authorId)],
    ));
  }
  const outbox: OutboxRow[] = [
    ...plan.tombstoneKeys.map((key) => ({ kind: 'link_tombstone' as const, key, event: null })),
    ...(input.emitEvents
      ? plan.events.map(({ key, event }) => ({ kind: 'compliance_event' as const, key, event }))
      : []),
  ];
  if (outbox.length > 0) {
    await client.query(
      `insert into privacy_outbox (origin, kind, key, event)
       select $1, k.kind, k.key, k.event::jsonb from unnest($2::text[], $3::text[], $4::text[]) as k(kind, key, event)
       on conflict do nothing`,
      [
        input.origin,
        outbox.map((o) => o.kind),
        outbox.map((o) => o.key),
        outbox.map((o) => (o.event ? JSON.stringify(o.event) : null)),
      ],
    );
  }
  const counts: EraseCounts = {
    authors: plan.authorRefs.length,
    linksRemoved: deleted.filter((d) => d.status === 'linked').length,
    reviewItemsRemoved: deleted.filter((d) => d.status === 'review').length,
    rejectedRemoved: deleted.filter((d) => d.status === 'rejected').length,
    keysShredded,
    customersErased,
    events: input.emitEvents ? plan.events.length : 0,
  };
  if (input.requestId && input.stepEventId) {
    await client.query(
      `insert into privacy_audit_steps (request_id, stage, subject_kind, event_id, facts_removed, windows_restated)
       values ($1, 'identity-resolution', $2, $3, $4, 0) on conflict do nothing`,
      [input.requestId, subject.kind, input.stepEventId, deleted.length],
    );
  }
  return { found: true, plan, counts };
}

function zeroCounts(): EraseCounts {
  return {
    authors: 0,
    linksRemoved: 0,
    reviewItemsRemoved: 0,
    rejectedRemoved: 0,
    keysShredded: 0,
    customersErased: 0,
    events: 0,
  };
}

export async function readOutbox(db: Pool | PoolClient, origin: string): Promise<OutboxRow[]> {
  const { rows } = await db.query<OutboxRow>(
    `select kind, key, event from privacy_outbox where origin = $1 order by kind desc, key`,
    [origin],
  );
  return rows;
}

export async function clearOutbox(db: Pool | PoolClient, origin: string): Promise<void> {
  await db.query('delete from privacy_outbox where origin = $1', [origin]);
}

/** Outbox rows of consumed compliance events are kept a day for re-deliveries, then dropped. */
export async function expireEventOutbox(db: Pool | PoolClient): Promise<number> {
  const r = await db.query(
    `delete from privacy_outbox where origin like 'event:%' and created_at < now() - interval '1 day'`,
  );
  return r.rowCount ?? 0;
}

const AUDIT_COLUMNS = `request_id as "requestId", subject_kind as "subjectKind", subject_digest as "subjectDigest",
  requested_by as "requestedBy", reason_code as "reasonCode", source, status,
  to_json(requested_at)#>>'{}' as "requestedAt", to_json(erased_at)#>>'{}' as "erasedAt",
  to_json(propagated_at)#>>'{}' as "propagatedAt", to_json(completed_at)#>>'{}' as "completedAt",
  counts, event_ids as "eventIds"`;

export async function insertAudit(
  db: Pool | PoolClient,
  a: Pick<
    AuditRow,
    'requestId' | 'subjectKind' | 'subjectDigest' | 'requestedBy' | 'reasonCode' | 'source'
  >,
): Promise<void> {
  await db.query(
    `insert into privacy_audit (request_id, subject_kind, subject_digest, requested_by, reason_code, source, status)
     values ($1, $2, $3, $4, $5, $6, 'pending') on conflict (request_id) do nothing`,
    [a.requestId, a.subjectKind, a.subjectDigest, a.requestedBy, a.reasonCode, a.source],
  );
}

export async function getAudit(db: Pool | PoolClient, requestId: string): Promise<AuditRow | null> {
  const { rows } = await db.query<AuditRow>(
    `select ${AUDIT_COLUMNS} from privacy_audit where request_id = $1`,
    [requestId],
  );
  return rows[0] ?? null;
}

/** Requests about these subject digests, newest first. */
export async function auditsByDigest(
  db: Pool | PoolClient,
  digests: readonly string[],
): Promise<AuditRow[]> {
  const { rows } = await db.query<AuditRow>(
    `select ${AUDIT_COLUMNS} from privacy_audit where subject_digest = any($1::text[])
      order by requested_at desc`,
    [digests],
  );
  return rows;
}

export async function markErased(
  client: PoolClient,
  requestId: string,
  counts: EraseCounts,
  eventIds: readonly string[],
): Promise<void> {
  await client.query(
    `update privacy_audit set erased_at = now(), counts = counts || $2::jsonb, event_ids = $3::text[]
      where request_id = $1`,
    [requestId, JSON.stringify(counts), eventIds],
  );
}

export async function markPropagated(db: Pool | PoolClient, requestId: string): Promise<void> {
  await db.query(
    'update privacy_audit set propagated_at = coalesce(propagated_at, now()) where request_id = $1',
    [requestId],
  );
}

export async function markCompleted(
  db: Pool | PoolClient,
  requestId: string,
  counts: Record<string, number>,
): Promise<void> {
  await db.query(
    `update privacy_audit set status = 'completed', completed_at = coalesce(completed_at, now()),
       counts = counts || $2::jsonb
      where request_id = $1`,
    [requestId, JSON.stringify(counts)],
  );
}

export async function stepsOf(db: Pool | PoolClient, requestId: string): Promise<StepRow[]> {
  const { rows } = await db.query<StepRow>(
    `select stage, subject_kind as "subjectKind", event_id as "eventId", facts_removed as "factsRemoved",
       windows_restated as "windowsRestated", to_json(done_at)#>>'{}' as "doneAt"
     from privacy_audit_steps where request_id = $1 order by done_at, stage, event_id`,
    [requestId],
  );
  return rows;
}

export { subjectKey };
