import type { Pool } from '@hark/db';
import { HarkError } from '@hark/errors';
import type { Evidence } from '@hark/events';
import type { ReviewCandidate } from '../domain/decide-author.ts';
import { decodeReviewCursor, encodeReviewCursor } from '../domain/review-decision.ts';
import type { ReviewItem, ReviewPage } from './identity-repository.ts';

interface ReviewRow {
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
}

/** One page of the review queue, oldest change first, keyset-paginated. */
export async function listReviewPage(
  pool: Pool,
  { limit, cursor }: { limit: number; cursor?: string },
): Promise<ReviewPage> {
  const after = cursor ? decodeCursor(cursor) : null;
  const { rows } = await pool.query<ReviewRow>(
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
    items: page.map(toReviewItem),
    nextCursor:
      rows.length > limit && last
        ? encodeReviewCursor({
            at: last.cursor_at,
            platform: last.platform,
            authorId: last.author_id,
          })
        : null,
  };
}

function toReviewItem(r: ReviewRow): ReviewItem {
  return {
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
  };
}

function decodeCursor(s: string): NonNullable<ReturnType<typeof decodeReviewCursor>> {
  const c = decodeReviewCursor(s);
  if (c) return c;
  throw new HarkError(
    'HARK_IDENTITY_API_BAD_REQUEST',
    'querystring/cursor is not a cursor this API returned',
    { context: { field: 'querystring/cursor' } },
  );
}
