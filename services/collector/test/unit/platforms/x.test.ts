import { describe, expect, it } from 'vitest';
import { mapX } from '../../../src/domain/platforms/index.ts';
import { drafts, json } from './fixtures.ts';

describe('X adapter', () => {
  it('maps an API v2 search response, joining authors from includes.users', () => {
    const posts = drafts(mapX(json('x/search-recent.json')));
    expect(posts).toHaveLength(4);
    expect(posts[0]).toEqual({
      mentionId: 'x:1859876543210987654',
      platform: 'x',
      postId: '1859876543210987654',
      kind: 'post',
      url: 'https://x.com/jdoe/status/1859876543210987654',
      parentId: null,
      author: {
        id: '2244994945',
        handle: 'jdoe',
        name: 'Jane Doe',
        followers: 1520,
        verified: false,
        location: 'Lyon, France',
        email: null,
        profileUrl: 'https://x.com/jdoe',
      },
      title: null,
      text: 'Third outage this week, @AcmeSupport. My #AcmeFiber box keeps dropping. https://t.co/abc123',
      lang: 'en',
      rating: null,
      revision: 0,
      createdAt: Date.parse('2026-11-20T09:30:00.000Z'),
      engagement: { likes: 12, shares: 4, replies: 2, views: 840 },
    });
  });

  it('marks replies, quotes and reposts with their parent, and prefers the long note_tweet text', () => {
    const [, reply, quote, repost] = drafts(mapX(json('x/search-recent.json')));
    expect(reply).toMatchObject({
      kind: 'reply',
      parentId: 'x:1859876543210987654',
      author: { handle: 'AcmeSupport', verified: true, followers: 182340 },
    });
    expect(quote).toMatchObject({
      kind: 'quote',
      parentId: 'x:1859000000000000001',
      author: { verified: true },
    });
    expect(quote!.text).toContain('full story of moving from Initech Broadband to Globex');
    expect(repost).toMatchObject({ kind: 'repost', parentId: 'x:1859876543210987654' });
  });

  it('maps an author missing from includes by id alone', () => {
    const [, , , repost] = drafts(mapX(json('x/search-recent.json')));
    expect(repost!.author).toMatchObject({ id: '55443322', handle: '55443322', followers: 0 });
    expect(repost!.url).toBe('https://x.com/i/web/status/1859876543210987657');
  });

  it('maps a filtered-stream message whose data is a single Tweet', () => {
    const [post] = drafts(mapX(json('x/stream-message.json')));
    expect(post).toMatchObject({
      mentionId: 'x:1860000000000000001',
      author: { handle: 'samp', followers: 88 },
    });
  });

  it('maps Account Activity webhook tweets (v1.1) using the exact id_str', () => {
    const [post] = drafts(mapX(json('x/account-activity.json')));
    expect(post).toMatchObject({
      mentionId: 'x:1859912345678901234',
      kind: 'reply',
      parentId: 'x:1859876543210987655',
      author: { id: '2244994945', handle: 'jdoe', followers: 1520 },
      createdAt: Date.UTC(2026, 10, 21, 14, 20, 31),
      engagement: { likes: 2, shares: 0, replies: 0, views: 0 },
    });
  });

  it('reads an empty search result as no items', () => {
    expect(mapX(json('x/empty-search.json'))).toEqual([]);
  });

  it('reports a payload that is not an X response', () => {
    const [entry] = mapX({ statuses: [] });
    expect(entry).toMatchObject({ error: { path: 'data', reason: 'unsupported_payload' } });
  });

  it('drops X pseudo-languages (und, qme, zxx)', () => {
    const payload = {
      data: [
        {
          id: '1',
          text: 'https://t.co/x',
          author_id: '2',
          created_at: '2026-11-20T00:00:00Z',
          lang: 'zxx',
        },
      ],
    };
    expect(drafts(mapX(payload))[0]!.lang).toBeNull();
  });
});
