import { describe, expect, it } from 'vitest';
import { mapFeed } from '../../../src/domain/platforms/index.ts';
import { validatePost } from '../../../src/domain/validate-post.ts';
import { NOW, drafts, fixture } from './fixtures.ts';

describe('feed adapter (RSS 2.0 and Atom)', () => {
  it('maps a blog RSS item: guid id, content:encoded as text, dc:creator, slash:comments', () => {
    const [post, plain] = drafts(mapFeed(fixture('feeds/blog-rss.xml')));
    expect(post).toEqual({
      mentionId: 'rss:https://homenet.example.com/?p=4812',
      platform: 'rss',
      postId: 'https://homenet.example.com/?p=4812',
      kind: 'article',
      url: 'https://homenet.example.com/2026/11/acme-fiber-six-months/',
      parentId: null,
      author: {
        id: 'Priya Natarajan',
        handle: 'Priya Natarajan',
        name: 'Priya Natarajan',
        followers: 0,
        verified: false,
        location: null,
        email: null,
        profileUrl: 'https://homenet.example.com',
      },
      title: 'Six months with Acme Fiber: the good, the bad & the router',
      text: 'Speeds held up, the Acme Box did not.\n\nAfter six months on Acme Fiber I have numbers: 940 Mbps down most evenings.',
      lang: 'en',
      rating: null,
      revision: 0,
      createdAt: Date.UTC(2026, 10, 22, 7, 30),
      engagement: { likes: 0, shares: 0, replies: 14, views: 0 },
    });
    expect(plain!.createdAt).toBe(Date.UTC(2026, 10, 20, 12));
  });

  it('maps Atom entries: html titles and summaries, xhtml content, published over updated, offsets', () => {
    const [deal, prices] = drafts(mapFeed(fixture('feeds/news-atom.xml'), { platform: 'news' }));
    expect(deal).toMatchObject({
      mentionId: 'news:tag:telecomwire.example.org,2026:/news/globex-initech',
      url: 'https://telecomwire.example.org/2026/11/22/globex-initech',
      title: 'Globex Corporation to buy Initech Broadband for $2.1bn',
      text: 'The deal would make Globex the second-largest fiber provider.',
      author: { name: 'Dana Whitfield', email: 'dana@telecomwire.example.org' },
      createdAt: Date.UTC(2026, 10, 22, 8, 45),
      lang: 'en',
    });
    expect(prices).toMatchObject({
      text: 'Umbrella Mobile customers will pay 5% more from January.',
      author: { name: 'Telecom Wire newsroom' },
      createdAt: Date.UTC(2026, 10, 21, 15, 20),
    });
  });

  it('maps review feeds: ratings scaled to 1–5, RSS author "email (Name)"', () => {
    const entries = mapFeed(fixture('feeds/reviews-rss.xml'), { platform: 'review' });
    const [three, two] = drafts(entries.slice(0, 2));
    expect(three).toMatchObject({
      kind: 'review',
      rating: 3,
      author: { email: 'carla.m@example.net', name: 'Carla M.' },
      platform: 'review',
    });
    expect(two).toMatchObject({ kind: 'review', rating: 1, author: { name: 'Anonymous' } });
  });

  it('passes an unparsable pubDate on, so validation rejects that item with its reason (known-bad fixture)', () => {
    const entries = mapFeed(fixture('feeds/reviews-rss.xml'), { platform: 'review' });
    const bad = entries[2]!;
    if (!('post' in bad)) throw new Error('expected a post');
    const r = validatePost(bad.post, { now: NOW, maxTextLength: 10_000, maxFutureSkewMs: 0 });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.map((e) => `${e.path}|${e.reason}`)).toEqual([
      'createdAt|invalid_timestamp',
    ]);
  });

  it('cuts long articles at a word boundary instead of rejecting them', () => {
    const body = `Acme ${'word '.repeat(5000)}`;
    const xml = `<rss version="2.0"><channel><item><guid>g1</guid><pubDate>Sat, 21 Nov 2026 19:02:00 +0000</pubDate><description>${body}</description></item></channel></rss>`;
    const [post] = drafts(mapFeed(xml, { maxTextLength: 500 }));
    expect(post!.text.length).toBeLessThanOrEqual(500);
    expect(post!.text.endsWith('word…')).toBe(true);
  });

  it('derives a stable id when an item has neither guid nor link', () => {
    const xml = `<rss version="2.0"><channel><item><title>t</title><pubDate>Sat, 21 Nov 2026 19:02:00 +0000</pubDate></item></channel></rss>`;
    const a = drafts(mapFeed(xml))[0]!;
    const b = drafts(mapFeed(xml))[0]!;
    expect(a.postId).toMatch(/^[0-9a-f]{32}$/);
    expect(a.postId).toBe(b.postId);
  });

  it.each([
    ['not XML at all {', 'not well-formed|expected an RSS'],
    ['<html><body>Service unavailable</body></html>', 'expected an RSS 2.0'],
  ])('reports %j as an unsupported payload', (xml, message) => {
    const [entry] = mapFeed(xml);
    expect(entry).toMatchObject({ error: { reason: 'unsupported_payload' } });
    expect(entry && 'error' in entry && entry.error.message).toMatch(new RegExp(message));
  });

  it('does not expand entities without bound (billion laughs)', () => {
    const lol = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">]><rss version="2.0"><channel><item><guid>x</guid><description>&lol5;</description></item></channel></rss>`;
    const entries = mapFeed(lol);
    const text = entries[0] && 'post' in entries[0] ? entries[0].post.text : '';
    expect(text.length).toBeLessThan(200_000);
  });
});
