import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { parseSourcesConfig } from '../../src/domain/sources-config.ts';

const brandIds = new Set(['acme', 'globex']);
const env = {
  X_WEBHOOK_SECRET: 'x-secret',
  MASTODON_WEBHOOK_SECRET: 'm-secret',
  MASTODON_VERIFY_TOKEN: 'tok',
  PARTNER_WEBHOOK_SECRET: 'p',
};

describe('sources config', () => {
  it('reads the example file with secrets from the environment', () => {
    const doc = parse(readFileSync(new URL('../../sources.example.yaml', import.meta.url), 'utf8'));
    const r = parseSourcesConfig(doc, { env, brandIds });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(
      r.config.webhooks.map((w) => [w.source, w.format, w.secret, w.verifyToken ?? null]),
    ).toEqual([
      ['x', 'x', 'x-secret', null],
      ['mastodon', 'mastodon', 'm-secret', 'tok'],
      ['partner-reviews', 'generic', 'p', null],
    ]);
    expect(r.config.pollers.map((p) => [p.id, p.kind, p.intervalMs])).toEqual([
      ['acme-mastodon', 'mastodon-tag', 60_000],
      ['acme-reddit', 'reddit-search', 120_000],
      ['acme-reviews', 'feed', 900_000],
    ]);
    expect(r.config.pollers[1]).toMatchObject({
      baseUrl: 'https://www.reddit.com',
      limit: 100,
      maxPages: 5,
    });
    expect(r.config.streams).toEqual([
      {
        id: 'bluesky-firehose',
        kind: 'jetstream',
        url: 'wss://jetstream2.us-east.bsky.network/subscribe',
        brand: undefined,
      },
      {
        id: 'acme-mastodon-live',
        kind: 'mastodon-stream',
        instance: 'https://mastodon.social',
        timeline: 'hashtag',
        tag: 'acme',
        token: undefined,
        brand: 'acme',
      },
    ]);
  });

  it('reports bad streams with their path, in one id space with the pollers', () => {
    const r = parseSourcesConfig(
      {
        pollers: [{ id: 'p1', kind: 'feed', url: 'https://f.example/rss' }],
        streams: [
          { id: 'p1', kind: 'jetstream', url: 'https://not-a-socket' },
          { id: 's2', kind: 'mastodon-stream', instance: 'https://m.example', timeline: 'hashtag' },
          { id: 's3', kind: 'mastodon-stream', instance: 'https://m.example', timeline: 'home' },
          { id: 's4', kind: 'mastodon-stream', instance: 'https://m.example', tokenEnv: 'NOPE' },
          { id: 's5', kind: 'telegraph' },
        ],
      },
      { env, brandIds },
    );
    expect(!r.ok && r.problems).toEqual([
      'streams[0].id: duplicate "p1"',
      'streams[0].url: must be a ws(s) URL, got "https://not-a-socket"',
      'streams[1].tag: is required',
      'streams[2].timeline: must be one of public, local, hashtag',
      'streams[3].tokenEnv: environment variable NOPE is not set',
      'streams[4].kind: must be one of jetstream, mastodon-stream (got "telegraph")',
    ]);
  });

  it('treats an empty document as no sources', () => {
    expect(parseSourcesConfig(null, { env, brandIds })).toEqual({
      ok: true,
      config: { webhooks: [], pollers: [], streams: [] },
    });
  });

  it('lists every problem with its path', () => {
    const r = parseSourcesConfig(
      {
        webhooks: [
          { source: 'Bad Name', format: 'myspace', secretEnv: 'MISSING_SECRET', brand: 'initrode' },
          'oops',
        ],
        pollers: [
          { id: 'p1', kind: 'mastodon-tag', instance: 'ftp://x', intervalSeconds: 0 },
          { id: 'p1', kind: 'carrier-pigeon' },
          { kind: 'feed' },
        ],
      },
      { env, brandIds },
    );
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems).toEqual([
      'webhooks[1]: must be a mapping',
      'webhooks[0].source: must match ^[a-z0-9][a-z0-9_-]{0,63}$',
      'webhooks[0].format: must be one of generic, x, reddit, mastodon, bluesky, feed, rss, atom (got "myspace")',
      'webhooks[0].secretEnv: environment variable MISSING_SECRET is not set',
      'webhooks[0].brand: unknown brand "initrode"',
      'webhooks[1].source: is required',
      'webhooks[1].secretEnv: is required',
      'pollers[0].intervalSeconds: must be a whole number from 1 to 86400',
      'pollers[0].instance: must be an http(s) URL, got "ftp://x"',
      'pollers[0].tag: is required',
      'pollers[1].id: duplicate "p1"',
      'pollers[1].kind: must be one of mastodon-tag, reddit-search, feed (got "carrier-pigeon")',
      'pollers[2].id: is required',
      'pollers[2].url: is required',
    ]);
  });
});

describe('webhook topic (WebSub)', () => {
  it('reads a source topic URL and refuses one that is not http(s)', () => {
    const doc = (topic: string) => ({
      webhooks: [{ source: 'blog', format: 'rss', secretEnv: 'PARTNER_WEBHOOK_SECRET', topic }],
    });
    const ok = parseSourcesConfig(doc('https://blog.example.com/feed.xml'), { env, brandIds });
    expect(ok.ok && ok.config.webhooks[0]!.topic).toBe('https://blog.example.com/feed.xml');
    const bad = parseSourcesConfig(doc('ftp://blog.example.com/feed'), { env, brandIds });
    expect(bad).toEqual({
      ok: false,
      problems: ['webhooks[0].topic: must be an http(s) URL, got "ftp://blog.example.com/feed"'],
    });
  });
});
