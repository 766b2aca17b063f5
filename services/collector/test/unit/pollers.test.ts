import { describe, expect, it } from 'vitest';
import {
  compareIds,
  entryKey,
  mergeSeen,
  unseenEntries,
} from '../../src/domain/pollers/cursors.ts';
import { feedRequestHeaders } from '../../src/domain/pollers/feed.ts';
import { advanceMastodon, mastodonTagUrl } from '../../src/domain/pollers/mastodon-tag.ts';
import type {
  MastodonTagPoller,
  RedditSearchPoller,
} from '../../src/domain/pollers/poller-spec.ts';
import { listingAfter, redditSearchUrl } from '../../src/domain/pollers/reddit-search.ts';

const mastodon: MastodonTagPoller = {
  id: 'm',
  kind: 'mastodon-tag',
  instance: 'https://mastodon.example',
  tag: 'acme fiber',
  limit: 3,
  intervalMs: 60_000,
  maxPages: 5,
};
const reddit: RedditSearchPoller = {
  id: 'r',
  kind: 'reddit-search',
  baseUrl: 'https://www.reddit.com',
  query: '"acme fiber" OR acme',
  limit: 100,
  intervalMs: 60_000,
  maxPages: 5,
};

describe('Mastodon tag cursor', () => {
  it('asks for the newest page first, then for what follows the cursor (min_id)', () => {
    expect(mastodonTagUrl(mastodon, null)).toBe(
      'https://mastodon.example/api/v1/timelines/tag/acme%20fiber?limit=3',
    );
    expect(mastodonTagUrl(mastodon, { minId: '1099' })).toBe(
      'https://mastodon.example/api/v1/timelines/tag/acme%20fiber?limit=3&min_id=1099',
    );
  });

  it('orders a page oldest first and moves the cursor to its newest id, numerically', () => {
    const step = advanceMastodon(mastodon, { minId: '998' }, [
      { id: '1001' },
      { id: '999' },
      { id: '1000' },
    ]);
    expect(step.statuses.map((s) => (s as { id: string }).id)).toEqual(['999', '1000', '1001']);
    expect(step.cursor).toEqual({ minId: '1001' });
    expect(step.more).toBe(true);
  });

  it('keeps the cursor on an empty page and never moves it backwards', () => {
    expect(advanceMastodon(mastodon, { minId: '5' }, [])).toEqual({
      statuses: [],
      cursor: { minId: '5' },
      more: false,
    });
    const step = advanceMastodon(mastodon, { minId: '50' }, [{ id: '7' }]);
    expect(step.statuses).toEqual([]);
    expect(step.cursor).toEqual({ minId: '50' });
  });

  it('does not page backwards on the first poll', () => {
    expect(advanceMastodon(mastodon, null, [{ id: '3' }, { id: '2' }, { id: '1' }]).more).toBe(
      false,
    );
  });

  it.each([
    ['9', '10', -1],
    ['113520000000000003', '113520000000000002', 1],
    ['abc', 'abd', -1],
    ['5', '5', 0],
  ])('compareIds(%s, %s) has sign %d', (a, b, sign) => {
    expect(Math.sign(compareIds(a, b))).toBe(sign);
  });
});

describe('Reddit search cursor', () => {
  it('searches newest first with raw JSON, optionally in one subreddit, and pages with after', () => {
    expect(redditSearchUrl(reddit)).toBe(
      'https://www.reddit.com/search.json?q=%22acme+fiber%22+OR+acme&sort=new&limit=100&raw_json=1',
    );
    expect(redditSearchUrl({ ...reddit, subreddit: 'HomeNetworking' }, 't3_x')).toBe(
      'https://www.reddit.com/r/HomeNetworking/search.json?q=%22acme+fiber%22+OR+acme&sort=new&limit=100&raw_json=1&restrict_sr=1&after=t3_x',
    );
    expect(listingAfter({ data: { after: 't3_1' } })).toBe('t3_1');
    expect(listingAfter({ data: { after: null } })).toBeUndefined();
  });
});

describe('seen-set cursors', () => {
  const post = (id: string) => ({ native: {}, post: { platform: 'reddit', id } as never });
  it('keys entries by mentionId, and unmappable ones by a hash of their content', () => {
    expect(entryKey(post('t3_a'))).toBe('reddit:t3_a');
    const bad = {
      native: { odd: 1 },
      error: { path: '', reason: 'unsupported_payload' as const, message: '' },
    };
    expect(entryKey(bad)).toMatch(/^native:[0-9a-f]{32}$/);
    expect(entryKey(bad)).toBe(entryKey({ ...bad }));
  });

  it('keeps only entries not seen before, without repeats inside the batch', () => {
    const fresh = unseenEntries([post('a'), post('b'), post('a'), post('c')], ['reddit:b']);
    expect(fresh.map(entryKey)).toEqual(['reddit:a', 'reddit:c']);
  });

  it('merges newest first and caps the set', () => {
    expect(mergeSeen(['n2', 'n1'], ['o1', 'n1', 'o2'], 4)).toEqual(['n2', 'n1', 'o1', 'o2']);
    expect(mergeSeen(['a', 'b', 'c'], ['d'], 2)).toEqual(['a', 'b']);
  });
});

describe('feed conditional GET', () => {
  it('sends the validators the feed gave last time', () => {
    expect(
      feedRequestHeaders({ seen: [], etag: '"v1"', lastModified: 'Sat, 21 Nov 2026 19:02:00 GMT' }),
    ).toMatchObject({
      'if-none-match': '"v1"',
      'if-modified-since': 'Sat, 21 Nov 2026 19:02:00 GMT',
    });
    expect(feedRequestHeaders(null)['if-none-match']).toBeUndefined();
  });
});
