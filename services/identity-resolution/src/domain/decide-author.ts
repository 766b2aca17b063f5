import type { CustomerMatch, Evidence, IdentityLink, MatchMethod } from '@hark/events';
import type { CustomerIndex } from './customer-index.ts';
import type { Resolution } from './match-author.ts';

export type IdentityStatus = 'linked' | 'review' | 'rejected';

/** A social identity as stored in PostgreSQL, with its customer's CRM fields joined. */
export interface StoredIdentity {
  platform: string;
  authorId: string;
  handle: string | null;
  /** Internal customer id: linked customer, candidate under review, or the customer a reviewer rejected. */
  customerId: number | null;
  externalId: string | null;
  customerTier: string | null;
  customerValue: number | null;
  status: IdentityStatus;
  confidence: number;
  method: Exclude<MatchMethod, 'existing_link'>;
  evidence: Evidence[];
  decidedBy: string;
  /** When the decision was stored (epoch ms). */
  decidedAt: number;
}

export interface ReviewCandidate {
  customerId: number;
  externalId: string;
  probability: number;
  weight: number;
}

/** An automatic decision to store: insert, or update a system decision still open to change. */
export interface IdentityWrite {
  platform: string;
  authorId: string;
  handle: string;
  customerId: number;
  status: 'linked' | 'review';
  confidence: number;
  method: 'email' | 'handle' | 'fuzzy';
  evidence: Evidence[];
  candidates: ReviewCandidate[];
}

export type AuthorDecision =
  | { kind: 'keep'; identity: StoredIdentity }
  | { kind: 'write'; write: IdentityWrite }
  | { kind: 'prospect'; confidence: number };

/** Review decisions are rewritten only when something material changed. */
const CONFIDENCE_CHANGE = 0.05;

/**
 * Combines the stored decision for an author with a fresh match. A link (by
 * the system or a human) stands; a human rejection stands; a pending review
 * is re-evaluated and upgraded when the evidence now suffices (a new CRM
 * e-mail, a corrected customer). `resolve` runs only when needed.
 */
export function decideAuthor(
  stored: StoredIdentity | undefined,
  resolve: () => Resolution,
  index: CustomerIndex,
  author: { platform: string; authorId: string; handle: string },
): AuthorDecision {
  if (
    stored &&
    (stored.status === 'linked' || stored.status === 'rejected' || stored.decidedBy !== 'system')
  ) {
    return { kind: 'keep', identity: stored };
  }
  const r = resolve();
  if (r.status === 'prospect' || r.slot === null) {
    return stored
      ? { kind: 'keep', identity: stored }
      : { kind: 'prospect', confidence: r.confidence };
  }
  const customerId = index.id(r.slot);
  if (
    stored &&
    r.status === 'review' &&
    stored.customerId === customerId &&
    Math.abs(stored.confidence - r.confidence) < CONFIDENCE_CHANGE
  ) {
    return { kind: 'keep', identity: stored };
  }
  return {
    kind: 'write',
    write: {
      platform: author.platform,
      authorId: author.authorId,
      handle: author.handle,
      customerId,
      status: r.status,
      confidence: round(r.confidence),
      method: r.method as IdentityWrite['method'],
      evidence: r.evidence,
      candidates: r.candidates.map((c) => ({
        customerId: index.id(c.slot),
        externalId: index.externalId(c.slot),
        probability: round(c.probability),
        weight: Math.round(c.weight * 100) / 100,
      })),
    },
  };
}

/**
 * What a mention says about its author's customer, from the decision that
 * is actually stored. `fresh` marks a decision made for this batch (its own
 * method); otherwise a link reads as existing_link. Pairs under review have
 * no customer id: they count as prospects until someone confirms.
 */
export function customerMatchOf(
  identity: StoredIdentity | null,
  fresh: boolean,
  prospectConfidence = 0,
): CustomerMatch {
  if (identity?.status === 'linked') {
    return {
      customerId: identity.externalId,
      status: 'linked',
      confidence: identity.confidence,
      method: fresh ? identity.method : 'existing_link',
      customerTier: identity.customerTier,
      customerValue: identity.customerValue,
    };
  }
  if (identity?.status === 'review') {
    return {
      customerId: null,
      status: 'review',
      confidence: identity.confidence,
      method: identity.method,
      customerTier: null,
      customerValue: null,
    };
  }
  return {
    customerId: null,
    status: 'prospect',
    confidence: identity ? 0 : round(prospectConfidence),
    method: 'none',
    customerTier: null,
    customerValue: null,
  };
}

/** The compacted identity.links record for a stored decision. */
export function identityLinkOf(identity: StoredIdentity): IdentityLink {
  return {
    platform: identity.platform,
    authorId: identity.authorId,
    handle: identity.handle,
    customerId: identity.status === 'rejected' ? null : identity.externalId,
    status: identity.status,
    confidence: identity.confidence,
    method: identity.method,
    evidence: identity.evidence,
    decidedBy: identity.decidedBy,
    linkedAt: identity.decidedAt,
  };
}

function round(p: number): number {
  return Math.round(p * 10_000) / 10_000;
}
