import { describe, expect, it } from 'vitest';
import { expandCompliance } from '../../../src/domain/compliance/expand-compliance.ts';
import { splitCompliance } from '../../../src/domain/compliance/platform-compliance.ts';
import { validatePost } from '../../../src/domain/validate-post.ts';

const items = (format: Parameters<typeof splitCompliance>[0], payload: unknown) =>
  splitCompliance(format, payload).compliance.map((c) => ('item' in c ? c.item : c.error));

describe('X', () => {
  it('maps Account Activity tweet_delete_events to post deletions with the author', () => {
    const payload = {
      for_user_id: '930524282358325248',
      tweet_delete_events: [
        {
          status: { id: '1045405559317569537', user_id: '930524282358325248' },
          timestamp_ms: '1432228155593',
        },
      ],
    };
    const split = splitCompliance('x', payload);
    expect(split.remainder).toBeUndefined();
    expect(items('x', payload)).toEqual([
      {
        kind: 'post_deleted',
        platform: 'x',
        postId: '1045405559317569537',
        authorId: '930524282358325248',
        occurredAt: 1432228155593,
      },
    ]);
  });

  it('maps the v2 compliance stream: delete, user_delete, user_protect; ignores withheld', () => {
    expect(
      items('x', {
        data: {
          delete: { tweet: { id: '1', author_id: '2' }, event_at: '2026-11-20T10:00:00.000Z' },
        },
      }),
    ).toEqual([
      {
        kind: 'post_deleted',
        platform: 'x',
        postId: '1',
        authorId: '2',
        occurredAt: '2026-11-20T10:00:00.000Z',
      },
    ]);
    expect(
      items('x', {
        data: { user_delete: { user: { id: '2' }, event_at: '2026-11-20T10:00:00.000Z' } },
      }),
    ).toEqual([
      {
        kind: 'account_deleted',
        platform: 'x',
        authorId: '2',
        occurredAt: '2026-11-20T10:00:00.000Z',
      },
    ]);
    expect(
      items('x', {
        data: { user_protect: { user: { id: '2' }, event_at: '2026-11-20T10:00:00.000Z' } },
      }),
    ).toEqual([
      {
        kind: 'account_private',
        platform: 'x',
        authorId: '2',
        occurredAt: '2026-11-20T10:00:00.000Z',
      },
    ]);
    const withheld = splitCompliance('x', {
      data: {
        withheld: {
          tweet: { id: '1' },
          withheld_in_countries: ['DE'],
          event_at: '2026-11-20T10:00:00.000Z',
        },
      },
    });
    expect(withheld).toEqual({ compliance: [], posts: [], remainder: undefined, ignored: 1 });
  });

  it('leaves tweets (v2 data, tweet_create_events) for the post adapter', () => {
    const tweet = {
      data: { id: '1', text: 'hi', author_id: '2', created_at: '2026-11-20T10:00:00Z' },
    };
    expect(splitCompliance('x', tweet)).toEqual({
      compliance: [],
      posts: [],
      remainder: tweet,
      ignored: 0,
    });
  });
});

describe('Mastodon (ActivityPub)', () => {
  const actor = 'https://social.example/users/jane';
  // Mentions name a Mastodon author user@domain whatever the payload; so do compliance events.
  const authorId = 'jane@social.example';
  it('maps Delete of a Tombstone to a post deletion by the actor', () => {
    expect(
      items('mastodon', {
        '@context': 'https://www.w3.org/ns/activitystreams',
        id: `${actor}/statuses/1#delete`,
        type: 'Delete',
        actor,
        object: { id: `${actor}/statuses/1`, type: 'Tombstone', atomUri: `${actor}/statuses/1` },
      }),
    ).toEqual([
      {
        kind: 'post_deleted',
        platform: 'mastodon',
        postId: `${actor}/statuses/1`,
        authorId,
        occurredAt: undefined,
      },
    ]);
  });

  it('maps Delete of the actor itself (a string object) to an account deletion', () => {
    expect(items('mastodon', { type: 'Delete', actor, object: actor })).toEqual([
      { kind: 'account_deleted', platform: 'mastodon', authorId },
    ]);
  });

  it('maps Update of a Note to post_edited plus the edited post whose revision is its updated time', () => {
    const split = splitCompliance('mastodon', {
      type: 'Update',
      actor,
      object: {
        id: `${actor}/statuses/1`,
        type: 'Note',
        attributedTo: actor,
        content: '<p>Acme fixed it, thanks</p>',
        contentMap: { en: '<p>Acme fixed it, thanks</p>' },
        published: '2026-11-20T10:00:00Z',
        updated: '2026-11-20T11:00:00Z',
        url: 'https://social.example/@jane/1',
      },
    });
    expect(split.compliance.map((c) => ('item' in c ? c.item : c))).toEqual([
      {
        kind: 'post_edited',
        platform: 'mastodon',
        postId: `${actor}/statuses/1`,
        authorId,
        editedAt: '2026-11-20T11:00:00Z',
      },
    ]);
    expect(split.posts).toHaveLength(1);
    const post = split.posts[0]!;
    if (!('post' in post)) throw new Error('expected a post');
    const v = validatePost(post.post, {
      now: Date.parse('2026-11-21T00:00:00Z'),
      maxTextLength: 1000,
      maxFutureSkewMs: 60_000,
    });
    expect(v).toMatchObject({
      ok: true,
      draft: {
        mentionId: `mastodon:${actor}/statuses/1`,
        text: 'Acme fixed it, thanks',
        revision: Date.parse('2026-11-20T11:00:00Z'),
        lang: 'en',
      },
    });
  });

  it('ignores an Update of a Person (a profile edit)', () => {
    expect(
      splitCompliance('mastodon', { type: 'Update', actor, object: { id: actor, type: 'Person' } })
        .ignored,
    ).toBe(1);
  });
});

describe('Bluesky', () => {
  const did = 'did:plc:eygmaihciaxprqvxpfvl6flk';
  it('maps a Jetstream delete commit of a post to a post deletion (AT URI)', () => {
    expect(
      items('bluesky', {
        did,
        time_us: 1763820000000000,
        kind: 'commit',
        commit: { rev: '3l', operation: 'delete', collection: 'app.bsky.feed.post', rkey: '3lbz' },
      }),
    ).toEqual([
      {
        kind: 'post_deleted',
        platform: 'bluesky',
        postId: `at://${did}/app.bsky.feed.post/3lbz`,
        authorId: did,
        occurredAt: 1763820000000,
      },
    ]);
  });

  it('maps firehose commit ops that delete posts, and ignores other ops', () => {
    const split = splitCompliance('bluesky', {
      repo: did,
      time: '2026-11-20T10:00:00Z',
      ops: [
        { action: 'delete', path: 'app.bsky.feed.post/3aaa', cid: null },
        { action: 'delete', path: 'app.bsky.feed.like/3bbb', cid: null },
      ],
    });
    expect(split.compliance).toHaveLength(1);
    expect(split.ignored).toBe(1);
  });

  it('maps a Jetstream account event with status deleted to an account deletion', () => {
    expect(
      items('bluesky', {
        did,
        time_us: 1763820000000000,
        kind: 'account',
        account: { active: false, did, status: 'deleted' },
      }),
    ).toEqual([
      { kind: 'account_deleted', platform: 'bluesky', authorId: did, occurredAt: 1763820000000 },
    ]);
  });

  it('an update commit is post_edited and the re-sent post carries the commit time as revision', () => {
    const out = expandCompliance(
      JSON.stringify({
        did,
        time_us: 1763820000000000,
        kind: 'commit',
        commit: {
          operation: 'update',
          collection: 'app.bsky.feed.post',
          rkey: '3lbz',
          record: {
            $type: 'app.bsky.feed.post',
            text: 'edited Acme post',
            createdAt: '2026-11-22T13:20:00.000Z',
          },
        },
      }),
      'json',
      'bluesky',
    );
    if (!out.ok) throw new Error(out.message);
    expect(out.compliance).toHaveLength(1);
    expect(out.posts).toHaveLength(1);
    const p = out.posts[0]!.entry;
    if (!('post' in p)) throw new Error('expected a post');
    expect(p.post.editedAt).toBe(1763820000000);
  });
});

describe('expandCompliance (generic)', () => {
  it('takes one item per NDJSON line, keeping a bad line as an error entry with its line', () => {
    const out = expandCompliance(
      '{"kind":"post_deleted","platform":"x","postId":"1"}\n{oops\n',
      'ndjson',
      'generic',
    );
    if (!out.ok) throw new Error(out.message);
    expect(out.compliance).toHaveLength(2);
    expect(out.compliance[1]).toMatchObject({
      line: 2,
      entry: { error: { reason: 'malformed_json' } },
    });
  });

  it('refuses formats that carry no compliance events', () => {
    expect(expandCompliance('{}', 'json', 'reddit')).toMatchObject({ ok: false });
  });
});
