import { describe, expect, it } from 'vitest';
import { mapReddit } from '../../../src/domain/platforms/index.ts';
import { drafts, json } from './fixtures.ts';

describe('Reddit adapter', () => {
  it('maps a search Listing of posts with fullname ids, permalinks and created_utc in ms', () => {
    const posts = drafts(mapReddit(json('reddit/search-listing.json')));
    expect(posts).toHaveLength(2);
    expect(posts[0]).toEqual({
      mentionId: 'reddit:t3_1h2c3d5',
      platform: 'reddit',
      postId: 't3_1h2c3d5',
      kind: 'post',
      url: 'https://www.reddit.com/r/HomeNetworking/comments/1h2c3d5/acme_box_rebooting_every_night/',
      parentId: null,
      author: {
        id: 'throwaway_net',
        handle: 'throwaway_net',
        name: null,
        followers: 0,
        verified: false,
        location: null,
        email: null,
        profileUrl: 'https://www.reddit.com/user/throwaway_net',
      },
      title: 'Acme Box rebooting every night',
      text: 'Switched to Acme Fiber last month. Speeds are great but the Acme Box reboots every night at 3am. Anyone else?',
      lang: null,
      rating: null,
      revision: 0,
      createdAt: 1763731200000,
      engagement: { likes: 57, shares: 1, replies: 23, views: 0 },
    });
    // A link post has a title and no selftext; fractional created_utc rounds to the ms.
    expect(posts[1]).toMatchObject({
      text: '',
      title: 'Globex One vs Umbrella Mobile home internet — which one?',
      createdAt: 1763727600500,
    });
  });

  it('flattens a comments page (post listing + comment tree), skipping "more" stubs', () => {
    const entries = mapReddit(json('reddit/comments.json'));
    const posts = drafts(entries.slice(0, 3));
    expect(posts.map((p) => [p.mentionId, p.kind, p.parentId])).toEqual([
      ['reddit:t3_1h2c3d5', 'post', null],
      ['reddit:t1_lx1a2b3', 'comment', 'reddit:t3_1h2c3d5'],
      ['reddit:t1_lx1a2c9', 'comment', 'reddit:t1_lx1a2b3'],
    ]);
    // The fourth comment's body is "[deleted]": its text is gone, it is refused with that reason.
    expect(entries[3]).toMatchObject({ error: { path: 'data.body', reason: 'not_public' } });
    expect(posts[1]!.engagement).toEqual({ likes: 14, shares: 0, replies: 1, views: 0 });
  });

  it('clamps downvoted scores to zero likes', () => {
    const posts = drafts(mapReddit(json('reddit/comments.json')).slice(0, 3));
    expect(posts[2]!.engagement.likes).toBe(0);
  });

  it('reports things that are not posts or comments', () => {
    expect(mapReddit({ kind: 't5', data: {} })[0]).toMatchObject({
      error: { reason: 'unsupported_payload' },
    });
    expect(mapReddit({ hello: 'world' })[0]).toMatchObject({ error: { path: 'kind' } });
  });
});
