import { createHmac } from 'node:crypto';
import type { ComplianceEvent } from '@hark/events';

/** Who an erasure is about: a CRM customer (external id) or one social account. */
export type ErasureSubject =
  { kind: 'customer'; customerId: string } | { kind: 'author'; platform: string; authorId: string };

/** A social identity row found for the subject, with what the erasure does to it. */
export interface FoundIdentity {
  platform: string;
  authorId: string;
  status: 'linked' | 'review' | 'rejected';
}

export interface ErasurePlan {
  /** `platform:authorId` of the accounts whose data is erased (their keys shredded). */
  authorRefs: string[];
  /** identity.links keys to tombstone (every identity row removed). */
  tombstoneKeys: string[];
  /** Erasure events for the compliance topic, one per erased author plus one per customer. */
  events: { key: string; event: ComplianceEvent }[];
}

const AUTHOR_REF = /^([a-z0-9][a-z0-9._-]{0,31}):(.{1,512})$/s;
const REASON_CODE = /^[a-z0-9][a-z0-9_.:-]{0,63}$/;
const REQUESTER = /^[\w.@+:/-][\w .@+:/-]{0,127}$/;

/** Parses `platform:authorId` (`twitter` reads as `x`); the author id may itself hold colons. */
export function parseAuthorRef(ref: string): { platform: string; authorId: string } | null {
  const m = AUTHOR_REF.exec(ref.trim());
  if (!m) return null;
  const platform = m[1] === 'twitter' ? 'x' : m[1]!;
  return { platform, authorId: m[2]! };
}

/** What a request names, as one string: the digest input and the compliance key. */
export function subjectKey(s: ErasureSubject): string {
  return s.kind === 'customer' ? `customer:${s.customerId}` : `${s.platform}:${s.authorId}`;
}

/**
 * HMAC-SHA256 of the subject under the server's audit secret: the audit log
 * can tell two requests about the same person apart from others without
 * holding who it is, and nobody without the secret can test a guess.
 */
export function subjectDigest(secret: Buffer, s: ErasureSubject | string): string {
  const key = typeof s === 'string' ? s : subjectKey(s);
  return createHmac('sha256', secret).update(key).digest('hex');
}

/**
 * eventId of the erasure event for one subject of a request. It names the
 * subject by a short digest, never by id: the steps table that records it
 * is part of the audit trail.
 */
export function erasureEventId(requestId: string, secret: Buffer, subject: string): string {
  return `erasure:${requestId}:${subjectDigest(secret, subject).slice(0, 24)}`;
}

/** Problems with who asked and why: the audit trail must never hold free text about the subject. */
export function checkRequestMeta(meta: { requestedBy: string; reason: string }): string[] {
  const problems: string[] = [];
  if (!REQUESTER.test(meta.requestedBy))
    problems.push(
      'requested-by must name the operator or ticket in 1–128 letters, digits and . @ + : / - _ (never the data subject)',
    );
  if (!REASON_CODE.test(meta.reason))
    problems.push(
      'reason must be a code such as gdpr-art17, ccpa-delete or ticket:4711 (lower case, up to 64 characters; no free text)',
    );
  return problems;
}

/**
 * What erasing a subject means, from the identities found for it. Linked
 * accounts are the person's: their keys are shredded and an erasure event
 * names each. Review and rejected rows only pair an account with the
 * customer (a reviewer said no, or nobody decided yet): the pairing is
 * removed, the account's own data is not the subject's to erase.
 */
export function planErasure(input: {
  requestId: string;
  subject: ErasureSubject;
  identities: readonly FoundIdentity[];
  secret: Buffer;
  now: number;
  source: string;
}): ErasurePlan {
  const { requestId, subject, secret, now, source } = input;
  const authors = new Map<string, { platform: string; authorId: string }>();
  if (subject.kind === 'author') authors.set(subjectKey(subject), subject);
  for (const i of input.identities)
    if (i.status === 'linked') authors.set(`${i.platform}:${i.authorId}`, i);
  const tombstones = new Set(input.identities.map((i) => `${i.platform}:${i.authorId}`));
  if (subject.kind === 'author') tombstones.add(subjectKey(subject));

  const event = (
    key: string,
    over: Partial<ComplianceEvent>,
  ): { key: string; event: ComplianceEvent } => ({
    key,
    event: {
      eventId: erasureEventId(requestId, secret, key),
      kind: 'erasure',
      platform: null,
      postId: null,
      mentionId: null,
      authorId: null,
      customerId: null,
      revision: 0,
      requestId,
      occurredAt: now,
      receivedAt: now,
      source,
      ...over,
    },
  });
  const events = [...authors]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, a]) => event(key, { platform: a.platform, authorId: a.authorId }));
  if (subject.kind === 'customer') {
    events.push(event(subjectKey(subject), { customerId: subject.customerId }));
  }
  return {
    authorRefs: [...authors.keys()].sort(),
    tombstoneKeys: [...tombstones].sort(),
    events,
  };
}

/** What identity-resolution does for one compliance event. */
export type ComplianceAction =
  | { do: 'erase-author'; platform: string; authorId: string; shred: boolean }
  | { do: 'erase-customer'; customerId: string }
  | { do: 'nothing' };

/**
 * The identity side of a compliance event. An account deleted on its
 * platform, or an author erasure, removes that account's identity row and
 * its link (a tombstone); a customer erasure empties the customer and
 * unlinks its accounts. Post events and private accounts change no link.
 */
export function complianceAction(e: ComplianceEvent): ComplianceAction {
  if ((e.kind === 'account_deleted' || e.kind === 'erasure') && e.platform && e.authorId) {
    return { do: 'erase-author', platform: e.platform, authorId: e.authorId, shred: true };
  }
  if (e.kind === 'erasure' && e.customerId)
    return { do: 'erase-customer', customerId: e.customerId };
  return { do: 'nothing' };
}
