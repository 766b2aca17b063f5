import { describe, expect, it } from 'vitest';
import { FORMATS, mapGeneric, resolveFormat } from '../../../src/domain/platforms/index.ts';
import { drafts, json } from './fixtures.ts';

describe('generic adapter and format names', () => {
  it('takes the generic shape as it is, one item or many', () => {
    const posts = drafts(mapGeneric(json('generic/valid-batch.json')));
    expect(posts.map((p) => p.mentionId)).toEqual([
      'x:1860000000000000101',
      'review:trustpilot-4471',
    ]);
    expect(posts[1]).toMatchObject({
      kind: 'review',
      rating: 4.5,
      author: { email: 'marc@example.com' },
    });
  });

  it.each([
    ['rss', 'feed'],
    ['Atom', 'feed'],
    ['twitter', 'x'],
    ['bluesky', 'bluesky'],
    ['myspace', undefined],
  ])('format %s resolves to %s', (name, expected) => {
    expect(resolveFormat(name)).toBe(expected);
  });

  it('has an adapter for every documented format', () => {
    expect(Object.keys(FORMATS).sort()).toEqual([
      'bluesky',
      'feed',
      'generic',
      'mastodon',
      'reddit',
      'x',
    ]);
  });
});
