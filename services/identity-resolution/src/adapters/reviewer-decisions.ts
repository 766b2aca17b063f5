import { withTransaction, type Pool, type PoolClient } from '@hark/db';
import { HarkError } from '@hark/errors';
import type { StoredIdentity } from '../domain/decide-author.ts';
import { withReviewNote } from '../domain/review-decision.ts';
import { lockIdentity } from './identity-rows.ts';

type BeforeCommit = (identity: StoredIdentity) => Promise<void>;

/**
 * A reviewer links the author to a customer: the candidate under review, or
 * the customer named by external id (required once the author was rejected).
 */
export function confirmIdentity(
  pool: Pool,
  input: { platform: string; authorId: string; reviewer: string; customerExternalId?: string },
  beforeCommit: BeforeCommit,
): Promise<StoredIdentity> {
  return withTransaction(pool, async (client) => {
    const current = await lockIdentity(client, input.platform, input.authorId);
    let customerId = current?.customerId ?? null;
    if (input.customerExternalId) {
      customerId = await customerIdOf(client, input.customerExternalId);
    } else if (!current) {
      throw notFound(input.platform, input.authorId);
    } else if (current.status === 'rejected') {
      throw new HarkError(
        'HARK_IDENTITY_API_BAD_REQUEST',
        'this identity was rejected; name the customer to link with customerId',
        { context: { platform: input.platform, authorId: input.authorId } },
      );
    }
    const evidence = withReviewNote(current?.evidence ?? [], 'confirmed by a reviewer');
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
    return finish(client, input, beforeCommit);
  });
}

/** A reviewer says the author is not the candidate; the system will not link them again. */
export function rejectIdentity(
  pool: Pool,
  input: { platform: string; authorId: string; reviewer: string; reason?: string },
  beforeCommit: BeforeCommit,
): Promise<StoredIdentity> {
  return withTransaction(pool, async (client) => {
    const current = await lockIdentity(client, input.platform, input.authorId);
    if (!current) throw notFound(input.platform, input.authorId);
    const evidence = withReviewNote(
      current.evidence,
      input.reason ? `rejected by a reviewer: ${input.reason}` : 'rejected by a reviewer',
    );
    await client.query(
      `update social_identities set status = 'rejected', method = 'manual', confidence = 0,
         evidence = $3::jsonb, decided_by = $4, updated_at = now()
       where platform = $1 and author_id = $2`,
      [input.platform, input.authorId, JSON.stringify(evidence), input.reviewer],
    );
    return finish(client, input, beforeCommit);
  });
}

/** Reads back the decision and lets the caller act on it before the transaction commits. */
async function finish(
  client: PoolClient,
  input: { platform: string; authorId: string },
  beforeCommit: BeforeCommit,
): Promise<StoredIdentity> {
  const stored = (await lockIdentity(client, input.platform, input.authorId))!;
  await beforeCommit(stored);
  return stored;
}

async function customerIdOf(client: PoolClient, externalId: string): Promise<number> {
  const { rows } = await client.query<{ id: number }>(
    'select id::float8 as id from customers where external_id = $1',
    [externalId],
  );
  if (!rows[0]) {
    throw new HarkError(
      'HARK_CRM_CUSTOMER_NOT_FOUND',
      `no customer with external id ${externalId}`,
      {
        context: { externalId },
      },
    );
  }
  return Number(rows[0].id);
}

function notFound(platform: string, authorId: string): HarkError {
  return new HarkError('HARK_IDENTITY_NOT_FOUND', `no social identity ${platform}:${authorId}`, {
    context: { platform, authorId },
  });
}
