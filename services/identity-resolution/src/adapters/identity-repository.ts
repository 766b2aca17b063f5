import { withTransaction, type Pool, type PoolClient } from '@hark/db';
import { HarkError } from '@hark/errors';
import type { Evidence } from '@hark/events';
import type { IdentityWrite, ReviewCandidate, StoredIdentity } from '../domain/decide-author.ts';
import { identityKey } from '../domain/resolve-batch.ts';

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

interface IdentityRow {
  platform: string;
  author_id: string;
  handle: string | null;
  customer_id: number | null;
  external_id: string | null;
  tier: string | null;
  value: number | null;
  status: StoredIdentity['status'];
  confidence: number;
  method: StoredIdentity['method'];
  evidence: Evidence[];
  decided_by: string;
  decided_at: number;
}

const SELECT_IDENTITY = `
  select si.platform, si.author_id, si.handle, si.customer_id::float8 as customer_id, c.external_id, c.tier,
    c.value, si.status, si.confidence, si.method, si.evidence, si.decided_by,
    (extract(epoch from si.updated_at) * 1000)::float8 as decided_at
  from social_identities si left join customers c on c.id = si.customer_id`;

function fromRow(r: IdentityRow): StoredIdentity {
  return {
    platform: r.platform,
    authorId: r.author_id,
    handle: r.handle,
    customerId: r.customer_id === null ? null : Number(r.customer_id),
    externalId: r.external_id,
    customerTier: r.tier,
    customerValue: r.value,
    status: r.status,
    confidence: r.confidence,
    method: r.method,
    evidence: r.evidence,
    decidedBy: r.decided_by,
    decidedAt: Math.round(Number(r.decided_at)),
  };
}

async function selectMany(
  db: Pool | PoolClient,
  keys: readonly { platform: string; authorId: string }[],
): Promise<Map<string, StoredIdentity>> {
  const out = new Map<string, StoredIdentity>();
  if (keys.length === 0) return out;
  const { rows } = await db.query<IdentityRow>({
    name: 'identity-load-many',
    text: `${SELECT_IDENTITY}
      join unnest($1::text[], $2::text[]) as k(platform, author_id)
        on si.platform = k.platform and si.author_id = k.author_id`,
    values: [keys.map((k) => k.platform), keys.map((k) => k.authorId)],
  });
  for (const r of rows) out.set(identityKey(r.platform, r.author_id), fromRow(r));
  return out;
}

export function createIdentityRepository(deps: { pool: Pool }): IdentityRepository {
  const { pool } = deps;

  async function lockOne(
    client: PoolClient,
    platform: string,
    authorId: string,
  ): Promise<StoredIdentity | null> {
    const { rows } = await client.query<IdentityRow>(
      `${SELECT_IDENTITY} where si.platform = $1 and si.author_id = $2 for update of si`,
      [platform, authorId],
    );
    return rows[0] ? fromRow(rows[0]) : null;
  }

  return {
    loadMany: (keys) => selectMany(pool, keys),

    async writeMany(writes) {
      if (writes.length === 0) return new Map();
      // A stable order keeps two instances writing overlapping batches from deadlocking.
      const sorted = [...writes].sort((a, b) =>
        a.platform === b.platform
          ? a.authorId < b.authorId
            ? -1
            : 1
          : a.platform < b.platform
            ? -1
            : 1,
      );
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
        const stored = await selectMany(client, sorted);
        const out = new Map<string, { identity: StoredIdentity; written: boolean }>();
        for (const [key, identity] of stored) out.set(key, { identity, written: written.has(key) });
        return out;
      });
    },

    async listReviews({ limit, cursor }) {
      const after = cursor ? decodeCursor(cursor) : null;
      const { rows } = await pool.query<{
        platform: string;
        author_id: string;
        handle: string | null;
        confidence: number;
        method: string;
        evidence: Evidence[];
        candidates: ReviewCandidate[];
        customer_external_id: string;
        customer_full_name: string | null;
        customer_city: string | null;
        customer_tier: string | null;
        created_at: string;
        updated_at: string;
        cursor_at: string;
      }>(
        `select platform, author_id, handle, confidence, method, evidence, candidates, customer_external_id,
           customer_full_name, customer_city, customer_tier, to_json(created_at)#>>'{}' as created_at,
           to_json(updated_at)#>>'{}' as updated_at, updated_at::text as cursor_at
         from identity_review_queue q
         where $1::timestamptz is null or (q.updated_at, q.platform, q.author_id) > ($1::timestamptz, $2::text, $3::text)
         order by q.updated_at, q.platform, q.author_id
         limit $4`,
        [after?.at ?? null, after?.platform ?? '', after?.authorId ?? '', limit + 1],
      );
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        items: page.map((r) => ({
          platform: r.platform,
          authorId: r.author_id,
          handle: r.handle,
          confidence: r.confidence,
          method: r.method,
          evidence: r.evidence,
          candidates: r.candidates,
          customer: {
            externalId: r.customer_external_id,
            fullName: r.customer_full_name,
            city: r.customer_city,
            tier: r.customer_tier,
          },
          createdAt: r.created_at,
          updatedAt: r.updated_at,
        })),
        nextCursor:
          rows.length > limit && last
            ? encodeCursor({
                at: last.cursor_at,
                platform: last.platform,
                authorId: last.author_id,
              })
            : null,
      };
    },

    async confirm(input, beforeCommit) {
      return withTransaction(pool, async (client) => {
        const current = await lockOne(client, input.platform, input.authorId);
        let customerId = current?.customerId ?? null;
        if (input.customerExternalId) {
          const { rows } = await client.query<{ id: number }>(
            'select id::float8 as id from customers where external_id = $1',
            [input.customerExternalId],
          );
          if (!rows[0]) {
            throw new HarkError(
              'HARK_CRM_CUSTOMER_NOT_FOUND',
              `no customer with external id ${input.customerExternalId}`,
              {
                context: { externalId: input.customerExternalId },
              },
            );
          }
          customerId = Number(rows[0].id);
        } else if (!current) {
          throw notFound(input.platform, input.authorId);
        } else if (current.status === 'rejected') {
          throw new HarkError(
            'HARK_IDENTITY_API_BAD_REQUEST',
            'this identity was rejected; name the customer to link with customerId',
            { context: { platform: input.platform, authorId: input.authorId } },
          );
        }
        const evidence: Evidence[] = [
          ...(current?.evidence ?? []).filter((e) => e.kind !== 'review'),
          { kind: 'review', detail: 'confirmed by a reviewer', weight: 0 },
        ];
        await client.query(
          `insert into social_identities (platform, author_id, handle, customer_id, confidence, method, status,
             evidence, decided_by)
           values ($1, $2, $3, $4, 1, 'manual', 'linked', $5::jsonb, $6)
           on conflict (platform, author_id) do update set customer_id = excluded.customer_id, confidence = 1,
             method = 'manual', status = 'linked', evidence = excluded.evidence, decided_by = excluded.decided_by,
             updated_at = now()`,
          [
            input.platform,
            input.authorId,
            current?.handle ?? null,
            customerId,
            JSON.stringify(evidence),
            input.reviewer,
          ],
        );
        const stored = (await lockOne(client, input.platform, input.authorId))!;
        await beforeCommit(stored);
        return stored;
      });
    },

    async reject(input, beforeCommit) {
      return withTransaction(pool, async (client) => {
        const current = await lockOne(client, input.platform, input.authorId);
        if (!current) throw notFound(input.platform, input.authorId);
        const evidence: Evidence[] = [
          ...current.evidence.filter((e) => e.kind !== 'review'),
          {
            kind: 'review',
            detail: input.reason
              ? `rejected by a reviewer: ${input.reason}`
              : 'rejected by a reviewer',
            weight: 0,
          },
        ];
        await client.query(
          `update social_identities set status = 'rejected', method = 'manual', confidence = 0,
             evidence = $3::jsonb, decided_by = $4, updated_at = now()
           where platform = $1 and author_id = $2`,
          [input.platform, input.authorId, JSON.stringify(evidence), input.reviewer],
        );
        const stored = (await lockOne(client, input.platform, input.authorId))!;
        await beforeCommit(stored);
        return stored;
      });
    },
  };
}

function notFound(platform: string, authorId: string): HarkError {
  return new HarkError('HARK_IDENTITY_NOT_FOUND', `no social identity ${platform}:${authorId}`, {
    context: { platform, authorId },
  });
}

function encodeCursor(c: { at: string; platform: string; authorId: string }): string {
  return Buffer.from(JSON.stringify([c.at, c.platform, c.authorId])).toString('base64url');
}

function decodeCursor(s: string): { at: string; platform: string; authorId: string } {
  try {
    const [at, platform, authorId] = JSON.parse(
      Buffer.from(s, 'base64url').toString('utf8'),
    ) as string[];
    if (typeof at !== 'string' || typeof platform !== 'string' || typeof authorId !== 'string')
      throw new Error('shape');
    return { at, platform, authorId };
  } catch {
    throw new HarkError(
      'HARK_IDENTITY_API_BAD_REQUEST',
      'querystring/cursor is not a cursor this API returned',
      {
        context: { field: 'querystring/cursor' },
      },
    );
  }
}
