import { HarkError } from '@hark/errors';
import type { ComplianceEvent } from '@hark/events';

/** What a deleted post does to past windows: `uncount` (platform terms) or `keep_counts` (text scrubbed). */
export type DeletedPostsPolicy = 'uncount' | 'keep_counts';

/** Every revision: a deleted post under keep_counts is stored without text whatever revision comes. */
export const ALL_REVISIONS = Number.MAX_SAFE_INTEGER;

export type ComplianceAction =
  /** Remove the post's fact and restate its windows; a later delivery is suppressed. */
  | { kind: 'remove-post'; mentionId: string }
  /** Blank the post's text (revisions below `scrubBelow`), counts unchanged. */
  | { kind: 'scrub-post'; mentionId: string; scrubBelow: number; reason: string }
  /** Remove (uncount) or scrub every fact of an author or customer created up to `until`. */
  | {
      kind: 'subject';
      subject: 'author' | 'customer';
      platform: string;
      subjectId: string;
      action: 'uncount' | 'scrub';
      until: number;
      reason: string;
    };

export interface CompliancePlan {
  action: ComplianceAction;
  /** Set for erasure requests: the audit step to record. */
  audit: { requestId: string } | null;
}

/**
 * Turns a compliance event into what this stage does, or throws
 * HARK_STAGE_PROCESSING_FAILED (the record goes to dlq) when it names too
 * little to act on. Subject suppressions hold until the later of when it
 * happened and when hark heard of it: a post created before then may still be
 * in the pipeline, one created after is new data.
 */
export function planCompliance(e: ComplianceEvent, policy: DeletedPostsPolicy): CompliancePlan {
  const problems: string[] = [];
  const platform = e.platform?.trim().toLowerCase() ?? '';
  const until = Math.max(e.occurredAt, e.receivedAt);
  const mentionId = (): string => {
    if (e.mentionId && e.mentionId.trim() !== '') return e.mentionId;
    if (platform !== '' && e.postId && e.postId.trim() !== '') return `${platform}:${e.postId}`;
    problems.push('mentionId: required for post events (or platform and postId)');
    return '';
  };
  const author = (action: 'uncount' | 'scrub', reason: string): ComplianceAction => {
    if (platform === '') problems.push('platform: required for account events');
    if (!e.authorId || e.authorId.trim() === '') problems.push('authorId: required');
    return {
      kind: 'subject',
      subject: 'author',
      platform,
      subjectId: e.authorId ?? '',
      action,
      until,
      reason,
    };
  };
  if (e.eventId.trim() === '') problems.push('eventId: must not be empty');
  let action: ComplianceAction | undefined;
  switch (e.kind) {
    case 'post_deleted': {
      const id = mentionId();
      action =
        policy === 'uncount'
          ? { kind: 'remove-post', mentionId: id }
          : {
              kind: 'scrub-post',
              mentionId: id,
              scrubBelow: ALL_REVISIONS,
              reason: 'post_deleted',
            };
      break;
    }
    case 'post_edited':
      if (!Number.isSafeInteger(e.revision) || e.revision <= 0)
        problems.push(`revision: must be the edited revision (> 0), got ${e.revision}`);
      action = {
        kind: 'scrub-post',
        mentionId: mentionId(),
        scrubBelow: e.revision,
        reason: 'post_edited',
      };
      break;
    case 'account_deleted':
      action = author('uncount', 'account_deleted');
      break;
    case 'account_private':
      action = author('scrub', 'account_private');
      break;
    case 'erasure':
      if (e.customerId && e.customerId.trim() !== '') {
        action = {
          kind: 'subject',
          subject: 'customer',
          platform: '',
          subjectId: e.customerId,
          action: 'uncount',
          until,
          reason: 'erasure',
        };
      } else action = author('uncount', 'erasure');
      if (!e.requestId || e.requestId.trim() === '')
        problems.push('requestId: required for erasure');
      break;
    default:
      problems.push(`kind: ${e.kind} is not a compliance action this stage knows`);
  }
  if (problems.length > 0 || !action) {
    throw new HarkError(
      'HARK_STAGE_PROCESSING_FAILED',
      `invalid compliance event: ${problems.join('; ')}`,
      { context: { eventId: e.eventId, kind: e.kind, problems } },
    );
  }
  return { action, audit: e.kind === 'erasure' ? { requestId: e.requestId! } : null };
}
