import type { Pool, PoolClient } from '@hark/db';
import type { Evidence } from '@hark/events';
import type { StoredIdentity } from '../domain/decide-author.ts';
import { identityKey } from '../domain/resolve-batch.ts';

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

/** The stored decisions of these authors, by `identityKey`, in one query. */
export async function selectIdentities(
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

/** The author's stored decision, row-locked until the transaction ends; null if none. */
export async function lockIdentity(
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
