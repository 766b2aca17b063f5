import { withTransaction, type Pool } from '@hark/db';
import type { Evidence } from '@hark/events';
import type { IdentityWrite, ReviewCandidate, StoredIdentity } from '../domain/decide-author.ts';
import { identityKey } from '../domain/resolve-batch.ts';
import { byAuthorKey } from '../domain/review-decision.ts';
import { selectIdentities } from './identity-rows.ts';
import { listReviewPage } from './review-queue.ts';
import { confirmIdentity, rejectIdentity } from './reviewer-decisions.ts';

export interface ReviewItem {
  platform: string;
  authorId: string;
  handle: string | null;
  confidence: number;
  method: string;
  evidence: Evidence[];
  candidates: ReviewCandidate[];
  customer: {
    externalId: string;
    fullName: string | null;
    city: string | null;
    tier: string | null;
  };
  createdAt: string;
  updatedAt: string;
}

export interface ReviewPage {
  items: ReviewItem[];
  /** Opaque; pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface IdentityRepository {
  /** The stored decisions for a batch of authors, in one query. */
  loadMany(
    keys: readonly { platform: string; authorId: string }[],
  ): Promise<Map<string, StoredIdentity>>;
  /**
   * Stores automatic decisions in one transaction, each only where it may:
   * new authors, or system decisions still open (a review, or a link to the
   * same customer). A link to another customer or any human decision is
   * never overwritten, so two instances racing over one author during a
   * rebalance converge on one customer. Returns what is stored afterwards
   * for every key, and whether this call wrote it.
   */
  writeMany(
    writes: readonly IdentityWrite[],
  ): Promise<Map<string, { identity: StoredIdentity; written: boolean }>>;
  listReviews(opts: { limit: number; cursor?: string }): Promise<ReviewPage>;
  /** A reviewer links the author to a customer (the candidate, or `customerId` by external id). */
  confirm(
    input: { platform: string; authorId: string; reviewer: string; customerExternalId?: string },
    beforeCommit: (identity: StoredIdentity) => Promise<void>,
  ): Promise<StoredIdentity>;
  /** A reviewer says the author is not the candidate; the system will not link them again. */
  reject(
    input: { platform: string; authorId: string; reviewer: string; reason?: string },
    beforeCommit: (identity: StoredIdentity) => Promise<void>,
  ): Promise<StoredIdentity>;
}

export function createIdentityRepository(deps: { pool: Pool }): IdentityRepository {
  const { pool } = deps;
  return {
    loadMany: (keys) => selectIdentities(pool, keys),
    writeMany: (writes) => writeSystemDecisions(pool, writes),
    listReviews: (opts) => listReviewPage(pool, opts),
    confirm: (input, beforeCommit) => confirmIdentity(pool, input, beforeCommit),
    reject: (input, beforeCommit) => rejectIdentity(pool, input, beforeCommit),
  };
}

async function writeSystemDecisions(
  pool: Pool,
  writes: readonly IdentityWrite[],
): Promise<Map<string, { identity: StoredIdentity; written: boolean }>> {
  if (writes.length === 0) return new Map();
  const sorted = [...writes].sort(byAuthorKey);
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ platform: string; author_id: string }>({
      name: 'identity-write-many',
      text: `
      insert into social_identities as si (platform, author_id, handle, customer_id, confidence, method,
        status, evidence, candidates, decided_by)
      select x.platform, x.author_id, x.handle, x.customer_id, x.confidence, x.method, x.status,
        x.evidence::jsonb, x.candidates::jsonb, 'system'
      from unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::float8[], $6::text[], $7::text[],
        $8::text[], $9::text[])
        as x(platform, author_id, handle, customer_id, confidence, method, status, evidence, candidates)
      on conflict (platform, author_id) do update set
        handle = excluded.handle, customer_id = excluded.customer_id, confidence = excluded.confidence,
        method = excluded.method, status = excluded.status, evidence = excluded.evidence,
        candidates = excluded.candidates, updated_at = now()
      where si.decided_by = 'system'
        and (si.status = 'review'
          or (si.status = 'linked' and excluded.status = 'linked' and si.customer_id = excluded.customer_id))
      returning si.platform, si.author_id`,
      values: [
        sorted.map((w) => w.platform),
        sorted.map((w) => w.authorId),
        sorted.map((w) => w.handle),
        sorted.map((w) => w.customerId),
        sorted.map((w) => w.confidence),
        sorted.map((w) => w.method),
        sorted.map((w) => w.status),
        sorted.map((w) => JSON.stringify(w.evidence)),
        sorted.map((w) => JSON.stringify(w.candidates)),
      ],
    });
    const written = new Set(rows.map((r) => identityKey(r.platform, r.author_id)));
    const stored = await selectIdentities(client, sorted);
    const out = new Map<string, { identity: StoredIdentity; written: boolean }>();
    for (const [key, identity] of stored) out.set(key, { identity, written: written.has(key) });
    return out;
  });
}
