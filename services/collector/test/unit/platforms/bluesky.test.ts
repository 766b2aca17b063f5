import { describe, expect, it } from 'vitest';
import { mapBluesky } from '../../../src/domain/platforms/index.ts';
import { drafts, json } from './fixtures.ts';

describe('Bluesky adapter', () => {
  it('maps searchPosts postViews with the AT URI as postId and a bsky.app url', () => {
    const [post] = drafts(mapBluesky(json('bluesky/search-posts.json')));
    expect(post).toEqual({
      mentionId: 'bluesky:at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3lbz2xkq6ns2a',
      platform: 'bluesky',
      postId: 'at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3lbz2xkq6ns2a',
      kind: 'post',
      url: 'https://bsky.app/profile/mira.bsky.social/post/3lbz2xkq6ns2a',
      parentId: null,
      author: {
        id: 'did:plc:z72i7hdynmk6r22z27h6tvur',
        handle: 'mira.bsky.social',
        name: 'Mira K',
        followers: 0,
        verified: false,
        location: null,
        email: null,
        profileUrl: 'https://bsky.app/profile/mira.bsky.social',
      },
      title: null,
      text: 'Umbrella Telecom just doubled my bill without notice. Switching to Globex.',
      lang: 'en',
      rating: null,
      revision: 0,
      createdAt: Date.parse('2026-11-21T20:11:05.201Z'),
      engagement: { likes: 31, shares: 9, replies: 4, views: 0 },
    });
  });

  it('marks replies with the parent uri and verified accounts', () => {
    const [, reply] = drafts(mapBluesky(json('bluesky/search-posts.json')));
    expect(reply).toMatchObject({
      kind: 'reply',
      parentId: 'bluesky:at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3lbz2xkq6ns2a',
      author: { handle: 'globex.com', verified: true },
    });
  });

  it('marks quotes, and falls back to indexedAt when the client clock is far ahead', () => {
    const [, , quote] = drafts(mapBluesky(json('bluesky/search-posts.json')));
    expect(quote).toMatchObject({
      kind: 'quote',
      createdAt: Date.parse('2026-11-21T21:00:00.000Z'),
    });
  });

  it('maps feed items ({ feed: [{ post }] }) and bare arrays of postViews', () => {
    const { posts } = json('bluesky/search-posts.json') as { posts: unknown[] };
    expect(drafts(mapBluesky({ feed: posts.map((post) => ({ post })) }))).toHaveLength(3);
    expect(drafts(mapBluesky(posts))).toHaveLength(3);
  });

  it('maps a Jetstream create commit for app.bsky.feed.post', () => {
    const [post] = drafts(mapBluesky(json('bluesky/jetstream-commit.json')));
    expect(post).toMatchObject({
      mentionId: 'bluesky:at://did:plc:eygmaihciaxprqvxpfvl6flk/app.bsky.feed.post/3lbz5bbbbbb2k',
      author: { id: 'did:plc:eygmaihciaxprqvxpfvl6flk' },
      lang: 'de',
      text: 'Initech Broadband ist heute wieder ausgefallen.',
    });
  });

  it('reports commits that are not post creations and records that are not posts', () => {
    expect(
      mapBluesky({
        kind: 'commit',
        commit: { operation: 'delete', collection: 'app.bsky.feed.post' },
      })[0],
    ).toMatchObject({ error: { path: 'commit' } });
    expect(
      mapBluesky({
        uri: 'at://x/app.bsky.feed.like/1',
        record: { $type: 'app.bsky.feed.like' },
      })[0],
    ).toMatchObject({ error: { path: 'record.$type' } });
  });
});
