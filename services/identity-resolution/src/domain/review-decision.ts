import type { Evidence } from '@hark/events';

/** An author's key in the review queue's order (updated_at, platform, author id). */
export interface ReviewCursor {
  at: string;
  platform: string;
  authorId: string;
}

/** Opaque to API clients: base64url of `[at, platform, authorId]`. */
export function encodeReviewCursor(c: ReviewCursor): string {
  return Buffer.from(JSON.stringify([c.at, c.platform, c.authorId])).toString('base64url');
}

/** The cursor, or null when `s` is not one `encodeReviewCursor` made. */
export function decodeReviewCursor(s: string): ReviewCursor | null {
  try {
    const [at, platform, authorId] = JSON.parse(
      Buffer.from(s, 'base64url').toString('utf8'),
    ) as unknown[];
    if (typeof at !== 'string' || typeof platform !== 'string' || typeof authorId !== 'string')
      return null;
    return { at, platform, authorId };
  } catch {
    return null;
  }
}

/** The evidence after a reviewer's decision: earlier review notes give way to this one. */
export function withReviewNote(evidence: readonly Evidence[], detail: string): Evidence[] {
  return [...evidence.filter((e) => e.kind !== 'review'), { kind: 'review', detail, weight: 0 }];
}

/**
 * Orders writes by (platform, author id), so two instances writing
 * overlapping batches take row locks in one order and never deadlock.
 */
export function byAuthorKey(
  a: { platform: string; authorId: string },
  b: { platform: string; authorId: string },
): number {
  return a.platform === b.platform
    ? a.authorId < b.authorId
      ? -1
      : 1
    : a.platform < b.platform
      ? -1
      : 1;
}
