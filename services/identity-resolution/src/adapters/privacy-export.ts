import type { Pool } from '@hark/db';
import { HarkError } from '@hark/errors';
import { decryptField, envelopeKeyId, type Keyring } from '@hark/privacy';
import { subjectDigest } from '../domain/erasure-plan.ts';
import { auditsByDigest, stepsOf } from './privacy-repository.ts';

/** Mention fact columns that hold envelopes, and the Mention field each was encrypted as. */
const MENTION_ENVELOPE_PATHS: Record<string, string> = {
  url: 'url',
  title: 'title',
  text: 'text',
  author_handle: 'author.handle',
  author_name: 'author.name',
  author_location: 'author.location',
  author_email: 'author.email',
  author_profile_url: 'author.profileUrl',
};

export interface CustomerExport {
  exportedAt: string;
  subject: { customerId: string };
  customer: Record<string, unknown>;
  identityLinks: Record<string, unknown>[];
  reviewItems: Record<string, unknown>[];
  mentions: Record<string, unknown>[];
  corrections: Record<string, unknown>[];
  auditRecords: Record<string, unknown>[];
  /** What could not be included and why (a table that is not in this database, an erased key). */
  notes: string[];
}

/**
 * Everything hark holds about one customer (an access request): the CRM
 * record, the accounts linked to it and pending review pairs, every mention
 * fact by the customer or by a linked account (personal fields decrypted),
 * analyst corrections of those mentions, and the audit records of requests
 * about the customer or its accounts. metrics-rollup's tables are read when
 * they share this database (they do in every hark deployment so far); when
 * they do not, `notes` says so.
 */
export async function exportCustomer(
  deps: { pool: Pool; keyring: Pick<Keyring, 'keysForRead'> | undefined; secret: Buffer },
  customerId: string,
): Promise<CustomerExport> {
  const { pool } = deps;
  const notes: string[] = [];
  const { rows: customers } = await pool.query<Record<string, unknown> & { id: number }>(
    `select id::float8 as id, external_id as "externalId", first_name as "firstName", last_name as "lastName",
       full_name as "fullName", emails, phones, company, city, region, country, tier, value, handles,
       to_json(created_at)#>>'{}' as "createdAt", to_json(updated_at)#>>'{}' as "updatedAt",
       to_json(erased_at)#>>'{}' as "erasedAt"
     from customers where external_id = $1`,
    [customerId],
  );
  const row = customers[0];
  if (!row)
    throw new HarkError(
      'HARK_CRM_CUSTOMER_NOT_FOUND',
      `no customer with external id ${customerId}; nothing is held under that id`,
      { context: { customerId } },
    );
  const { id, ...customer } = row;
  if (customer.erasedAt) notes.push(`the customer was erased at ${String(customer.erasedAt)}`);

  const { rows: identities } = await pool.query<Record<string, unknown>>(
    `select platform, author_id as "authorId", handle, status, method, confidence, evidence, candidates,
       decided_by as "decidedBy", to_json(created_at)#>>'{}' as "createdAt",
       to_json(updated_at)#>>'{}' as "updatedAt"
     from social_identities where customer_id = $1 order by platform, author_id`,
    [id],
  );
  const open = await opener(deps.keyring, notes);
  for (const i of identities) i.handle = await open(i.handle, 'handle');
  const linked = identities.filter((i) => i.status === 'linked');

  let mentions: Record<string, unknown>[] = [];
  if (await tableExists(pool, 'mentions')) {
    const { rows } = await pool.query<{ m: Record<string, unknown> }>(
      `select to_jsonb(m) as m from mentions m
        where m.customer_id = $1
           or (m.platform, m.author_id) in (select * from unnest($2::text[], $3::text[]))
        order by m.created_at, m.mention_id`,
      [customerId, linked.map((l) => l.platform), linked.map((l) => l.authorId)],
    );
    mentions = rows.map((r) => r.m);
    for (const m of mentions) {
      for (const [column, path] of Object.entries(MENTION_ENVELOPE_PATHS)) {
        if (column in m) m[column] = await open(m[column], path);
      }
    }
  } else {
    notes.push(
      'no `mentions` table in this database (metrics-rollup writes elsewhere): mentions not included',
    );
  }

  let corrections: Record<string, unknown>[] = [];
  if (mentions.length > 0 && (await tableExists(pool, 'corrections'))) {
    const { rows } = await pool.query<{ c: Record<string, unknown> }>(
      `select to_jsonb(c) as c from corrections c where c.mention_id = any($1::text[])
        order by c.mention_id, c.corrected_at`,
      [mentions.map((m) => String(m.mention_id))],
    );
    corrections = rows.map((r) => r.c);
  }

  const digests = [
    subjectDigest(deps.secret, { kind: 'customer', customerId }),
    ...identities.map((i) =>
      subjectDigest(deps.secret, {
        kind: 'author',
        platform: String(i.platform),
        authorId: String(i.authorId),
      }),
    ),
  ];
  const audits = await auditsByDigest(pool, digests);
  const auditRecords = await Promise.all(
    audits.map(async (a) => ({ ...a, steps: await stepsOf(pool, a.requestId) })),
  );

  return {
    exportedAt: new Date().toISOString(),
    subject: { customerId },
    customer,
    identityLinks: identities.filter((i) => i.status !== 'review'),
    reviewItems: identities.filter((i) => i.status === 'review'),
    mentions,
    corrections,
    auditRecords,
    notes,
  };
}

async function tableExists(pool: Pool, name: string): Promise<boolean> {
  const { rows } = await pool.query<{ ok: boolean }>('select to_regclass($1) is not null as ok', [
    name,
  ]);
  return rows[0]?.ok === true;
}

/** Opens envelopes with the keyring; a shredded key reads as null and is noted once. */
async function opener(
  keyring: Pick<Keyring, 'keysForRead'> | undefined,
  notes: string[],
): Promise<(value: unknown, path: string) => Promise<unknown>> {
  let erasedNoted = false;
  return async (value, path) => {
    if (typeof value !== 'string') return value;
    const keyId = envelopeKeyId(value);
    if (!keyId) return value;
    if (!keyring) {
      notes.push(`${path}: encrypted, and this process has no keyring`);
      return null;
    }
    const key = (await keyring.keysForRead([keyId])).get(keyId);
    if (!key) {
      if (!erasedNoted)
        notes.push('some fields were encrypted with erased keys and are unreadable');
      erasedNoted = true;
      return null;
    }
    return decryptField(value, key, path);
  };
}
