import type { ComplianceEvent } from '@hark/events';
import { describe, expect, it } from 'vitest';
import {
  checkRequestMeta,
  complianceAction,
  erasureEventId,
  parseAuthorRef,
  planErasure,
  subjectDigest,
} from '../../src/domain/erasure-plan.ts';

const secret = Buffer.from('unit-test-audit-secret');
const now = Date.parse('2026-11-24T10:00:00Z');

describe('parseAuthorRef', () => {
  it.each([
    ['x:2244994945', { platform: 'x', authorId: '2244994945' }],
    ['twitter:1', { platform: 'x', authorId: '1' }],
    ['bluesky:did:plc:abc', { platform: 'bluesky', authorId: 'did:plc:abc' }],
    [
      'mastodon:https://m.example/users/jane',
      { platform: 'mastodon', authorId: 'https://m.example/users/jane' },
    ],
  ])('reads %s', (ref, want) => expect(parseAuthorRef(ref)).toEqual(want));

  it.each(['x', 'x:', ':1', 'X Y:1', ''])('refuses %j', (ref) =>
    expect(parseAuthorRef(ref)).toBeNull(),
  );
});

describe('subjectDigest and erasureEventId', () => {
  it('is stable for a subject, differs between subjects and secrets, and holds no id', () => {
    const a = subjectDigest(secret, { kind: 'customer', customerId: 'C-1' });
    expect(a).toBe(subjectDigest(secret, 'customer:C-1'));
    expect(a).not.toBe(subjectDigest(secret, { kind: 'customer', customerId: 'C-2' }));
    expect(a).not.toBe(
      subjectDigest(Buffer.from('other'), { kind: 'customer', customerId: 'C-1' }),
    );
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    const id = erasureEventId('er_1', secret, 'x:42');
    expect(id).toMatch(/^erasure:er_1:[0-9a-f]{24}$/);
    expect(id).not.toContain('42');
  });
});

describe('checkRequestMeta', () => {
  it('accepts an operator and a reason code', () => {
    expect(checkRequestMeta({ requestedBy: 'dpo@acme.example', reason: 'gdpr-art17' })).toEqual([]);
    expect(checkRequestMeta({ requestedBy: 'ticket:4711', reason: 'ticket:4711' })).toEqual([]);
  });
  it('refuses free text as a reason and an empty requester', () => {
    expect(checkRequestMeta({ requestedBy: '', reason: 'Jane Doe asked by phone' })).toHaveLength(
      2,
    );
  });
});

describe('planErasure', () => {
  it('a customer: linked accounts are erased (events, keys), review and rejected pairs only unlinked', () => {
    const plan = planErasure({
      requestId: 'er_1',
      subject: { kind: 'customer', customerId: 'C-1' },
      identities: [
        { platform: 'x', authorId: '10', status: 'linked' },
        { platform: 'mastodon', authorId: 'https://m.example/users/j', status: 'linked' },
        { platform: 'x', authorId: '11', status: 'review' },
        { platform: 'x', authorId: '12', status: 'rejected' },
      ],
      secret,
      now,
      source: 'privacy-cli',
    });
    expect(plan.authorRefs).toEqual(['mastodon:https://m.example/users/j', 'x:10']);
    expect(plan.tombstoneKeys).toEqual([
      'mastodon:https://m.example/users/j',
      'x:10',
      'x:11',
      'x:12',
    ]);
    expect(plan.events.map((e) => e.key)).toEqual([
      'mastodon:https://m.example/users/j',
      'x:10',
      'customer:C-1',
    ]);
    const customerEvent = plan.events.at(-1)!.event;
    expect(customerEvent).toEqual({
      eventId: erasureEventId('er_1', secret, 'customer:C-1'),
      kind: 'erasure',
      platform: null,
      postId: null,
      mentionId: null,
      authorId: null,
      customerId: 'C-1',
      revision: 0,
      requestId: 'er_1',
      occurredAt: now,
      receivedAt: now,
      source: 'privacy-cli',
    });
    expect(plan.events[1]!.event).toMatchObject({
      platform: 'x',
      authorId: '10',
      customerId: null,
    });
  });

  it('an author with no identity row is still erased: its key, its event, its tombstone', () => {
    const plan = planErasure({
      requestId: 'er_2',
      subject: { kind: 'author', platform: 'x', authorId: '99' },
      identities: [],
      secret,
      now,
      source: 'privacy-api',
    });
    expect(plan.authorRefs).toEqual(['x:99']);
    expect(plan.tombstoneKeys).toEqual(['x:99']);
    expect(plan.events).toHaveLength(1);
    expect(plan.events[0]!.event).toMatchObject({
      kind: 'erasure',
      platform: 'x',
      authorId: '99',
      requestId: 'er_2',
    });
  });

  it('is deterministic: the same request plans the same events (a resumed run produces duplicates, not new ids)', () => {
    const input = {
      requestId: 'er_3',
      subject: { kind: 'customer' as const, customerId: 'C-3' },
      identities: [{ platform: 'x', authorId: '1', status: 'linked' as const }],
      secret,
      now,
      source: 'privacy-cli',
    };
    expect(planErasure(input)).toEqual(planErasure(input));
  });
});

describe('complianceAction', () => {
  const event = (over: Partial<ComplianceEvent>): ComplianceEvent => ({
    eventId: 'e',
    kind: 'post_deleted',
    platform: 'x',
    postId: null,
    mentionId: null,
    authorId: null,
    customerId: null,
    revision: 0,
    requestId: null,
    occurredAt: now,
    receivedAt: now,
    source: 'http:test',
    ...over,
  });
  it.each([
    [
      'an account deleted on its platform',
      { kind: 'account_deleted', authorId: '1' },
      { do: 'erase-author', platform: 'x', authorId: '1', shred: true },
    ],
    [
      'an author erasure',
      { kind: 'erasure', authorId: '1', requestId: 'er_1' },
      { do: 'erase-author', platform: 'x', authorId: '1', shred: true },
    ],
    [
      'a customer erasure',
      { kind: 'erasure', platform: null, customerId: 'C-1' },
      { do: 'erase-customer', customerId: 'C-1' },
    ],
    ['a deleted post', { kind: 'post_deleted', postId: '5', authorId: '1' }, { do: 'nothing' }],
    ['an edited post', { kind: 'post_edited', postId: '5', revision: 3 }, { do: 'nothing' }],
    ['a private account', { kind: 'account_private', authorId: '1' }, { do: 'nothing' }],
    ['an unknown kind', { kind: 'unknown', authorId: '1' }, { do: 'nothing' }],
  ] as const)('%s', (_n, over, want) => {
    expect(complianceAction(event(over as Partial<ComplianceEvent>))).toEqual(want);
  });
});
