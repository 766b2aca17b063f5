import type { ComplianceEvent } from '@hark/events';
import { makeComplianceEvent } from '@hark/testing';
import { describe, expect, it } from 'vitest';
import { ALL_REVISIONS, planCompliance } from '../../src/domain/compliance.ts';

const at = Date.parse('2026-11-20T10:00:00Z');
const ev = (o: Partial<ComplianceEvent>) =>
  makeComplianceEvent({ occurredAt: at, receivedAt: at + 5000, ...o });

describe('planning a compliance event', () => {
  it('post_deleted removes the post under uncount and scrubs every revision under keep_counts', () => {
    const e = ev({ kind: 'post_deleted', mentionId: 'x:1' });
    expect(planCompliance(e, 'uncount')).toEqual({
      action: { kind: 'remove-post', mentionId: 'x:1' },
      audit: null,
    });
    expect(planCompliance(e, 'keep_counts').action).toEqual({
      kind: 'scrub-post',
      mentionId: 'x:1',
      scrubBelow: ALL_REVISIONS,
      reason: 'post_deleted',
    });
  });

  it('a post event without mentionId is named by platform:postId, platform lower-cased', () => {
    const e = ev({ kind: 'post_deleted', mentionId: null, platform: 'Reddit', postId: 'abc' });
    expect(planCompliance(e, 'uncount').action).toEqual({
      kind: 'remove-post',
      mentionId: 'reddit:abc',
    });
  });

  it('post_edited scrubs revisions below the edited one', () => {
    expect(
      planCompliance(ev({ kind: 'post_edited', mentionId: 'x:1', revision: 42 }), 'uncount').action,
    ).toEqual({
      kind: 'scrub-post',
      mentionId: 'x:1',
      scrubBelow: 42,
      reason: 'post_edited',
    });
  });

  it('account events and author erasure act on the author until the later of occurredAt and receivedAt', () => {
    expect(
      planCompliance(ev({ kind: 'account_deleted', platform: 'x', authorId: 'a1' }), 'keep_counts')
        .action,
    ).toEqual({
      kind: 'subject',
      subject: 'author',
      platform: 'x',
      subjectId: 'a1',
      action: 'uncount',
      until: at + 5000,
      reason: 'account_deleted',
    });
    expect(
      planCompliance(ev({ kind: 'account_private', platform: 'x', authorId: 'a1' }), 'uncount')
        .action,
    ).toMatchObject({
      action: 'scrub',
    });
    expect(
      planCompliance(
        ev({ kind: 'erasure', platform: 'x', authorId: 'a1', requestId: 'r1' }),
        'uncount',
      ),
    ).toMatchObject({
      action: { subject: 'author', action: 'uncount' },
      audit: { requestId: 'r1' },
    });
  });

  it('erasure by customer acts on every fact of the customer, whatever the platform', () => {
    expect(
      planCompliance(
        ev({
          kind: 'erasure',
          platform: null,
          authorId: null,
          customerId: 'CRM-9',
          requestId: 'r2',
        }),
        'uncount',
      ),
    ).toEqual({
      action: {
        kind: 'subject',
        subject: 'customer',
        platform: '',
        subjectId: 'CRM-9',
        action: 'uncount',
        until: at + 5000,
        reason: 'erasure',
      },
      audit: { requestId: 'r2' },
    });
  });

  it.each([
    [{ kind: 'account_deleted', platform: 'x', authorId: null }, /authorId: required/],
    [{ kind: 'account_private', platform: null, authorId: 'a' }, /platform: required/],
    [{ kind: 'post_deleted', mentionId: null, postId: null }, /mentionId: required/],
    [
      { kind: 'post_edited', mentionId: 'x:1', revision: 0 },
      /revision: must be the edited revision/,
    ],
    [{ kind: 'erasure', platform: 'x', authorId: 'a', requestId: null }, /requestId: required/],
    [{ kind: 'unknown' }, /kind: unknown is not a compliance action/],
    [{ eventId: ' ' }, /eventId: must not be empty/],
  ] as const)('%o goes to dlq with the reason', (o, message) => {
    expect(() => planCompliance(ev(o as Partial<ComplianceEvent>), 'uncount')).toThrow(message);
  });
});
