import { describe, expect, it } from 'vitest';
import { validateCompliance } from '../../../src/domain/compliance/validate-compliance.ts';

const now = Date.parse('2026-11-24T10:00:00Z');
const opts = { now, maxFutureSkewMs: 3_600_000 };

describe('validateCompliance', () => {
  it.each([
    [
      'a post deletion, keyed platform:postId',
      { kind: 'post_deleted', platform: 'X', postId: '123', authorId: 'u1', occurredAt: now - 5 },
      {
        key: 'x:123',
        draft: {
          eventId: 'post_deleted:x:123',
          kind: 'post_deleted',
          platform: 'x',
          postId: '123',
          mentionId: 'x:123',
          authorId: 'u1',
          customerId: null,
          revision: 0,
          requestId: null,
          occurredAt: now - 5,
        },
      },
    ],
    [
      'a post deletion named by its mentionId, with `id`, twitter as x, no occurredAt (now)',
      { kind: 'post_deleted', platform: 'twitter', id: 'x:77' },
      {
        key: 'x:77',
        draft: expect.objectContaining({
          eventId: 'post_deleted:x:77',
          postId: '77',
          occurredAt: now,
        }),
      },
    ],
    [
      'an edit: the revision is in the eventId',
      {
        kind: 'post_edited',
        platform: 'mastodon',
        postId: 'https://m.example/1',
        revision: 1700000000000,
      },
      {
        key: 'mastodon:https://m.example/1',
        draft: expect.objectContaining({
          eventId: 'post_edited:mastodon:https://m.example/1:1700000000000',
          revision: 1700000000000,
        }),
      },
    ],
    [
      'an edit given by editedAt: its epoch ms are the revision',
      { kind: 'post_edited', platform: 'x', postId: '5', editedAt: '2026-11-24T09:00:00Z' },
      {
        key: 'x:5',
        draft: expect.objectContaining({ revision: Date.parse('2026-11-24T09:00:00Z') }),
      },
    ],
    [
      'an account deletion, keyed platform:authorId',
      { kind: 'account_deleted', platform: 'bluesky', authorId: 'did:plc:abc' },
      {
        key: 'bluesky:did:plc:abc',
        draft: expect.objectContaining({
          eventId: 'account_deleted:bluesky:did:plc:abc',
          postId: null,
          mentionId: null,
          authorId: 'did:plc:abc',
        }),
      },
    ],
  ])('accepts %s', (_name, input, want) => {
    const r = validateCompliance(input, opts);
    expect(r).toEqual({ ok: true, ...want });
  });

  it.each([
    ['not an object', 'nope', '', 'not_an_object'],
    ['no kind', { platform: 'x', postId: '1' }, 'kind', 'missing_field'],
    [
      'an unknown kind',
      { kind: 'post_liked', platform: 'x', postId: '1' },
      'kind',
      'invalid_value',
    ],
    [
      'an erasure (audited path)',
      { kind: 'erasure', platform: 'x', authorId: '1' },
      'kind',
      'invalid_value',
    ],
    [
      'a post event without postId',
      { kind: 'post_deleted', platform: 'x' },
      'postId',
      'missing_field',
    ],
    [
      'an account event without authorId',
      { kind: 'account_private', platform: 'x', postId: '1' },
      'authorId',
      'missing_field',
    ],
    [
      'an edit without revision',
      { kind: 'post_edited', platform: 'x', postId: '1' },
      'revision',
      'missing_field',
    ],
    [
      'an edit with revision 0',
      { kind: 'post_edited', platform: 'x', postId: '1', revision: 0 },
      'revision',
      'invalid_value',
    ],
    [
      'revision and editedAt that disagree',
      { kind: 'post_edited', platform: 'x', postId: '1', revision: 5, editedAt: now },
      'revision',
      'invalid_value',
    ],
    [
      'a bad platform',
      { kind: 'post_deleted', platform: 'X Y', postId: '1' },
      'platform',
      'invalid_value',
    ],
    [
      'occurredAt in epoch seconds',
      { kind: 'post_deleted', platform: 'x', postId: '1', occurredAt: 1700000000 },
      'occurredAt',
      'invalid_timestamp',
    ],
  ])('refuses %s with its field path', (_name, input, path, reason) => {
    const r = validateCompliance(input, opts);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toContainEqual(expect.objectContaining({ path, reason }));
  });

  it('returns the eventId of a refused item when kind, platform and id were good', () => {
    const r = validateCompliance(
      { kind: 'post_deleted', platform: 'x', postId: '9', occurredAt: 'yesterday' },
      opts,
    );
    expect(r).toMatchObject({ ok: false, eventId: 'post_deleted:x:9' });
  });
});
