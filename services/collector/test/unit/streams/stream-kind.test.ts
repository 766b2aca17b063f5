import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readStreamMessages, streamEndpoint } from '../../../src/domain/streams/stream-kind.ts';
import type { StreamSpec } from '../../../src/domain/streams/stream-spec.ts';

const jetstream: StreamSpec = { id: 'js', kind: 'jetstream', url: 'wss://js.example/subscribe' };
const mastodon: StreamSpec = {
  id: 'md',
  kind: 'mastodon-stream',
  instance: 'https://m.example',
  timeline: 'public',
  token: 'secret-token',
};
const capture = readFileSync(
  new URL('../../fixtures/streams/jetstream-capture.jsonl', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((l) => l.trim() !== '');

describe('streamEndpoint', () => {
  it('connects a Jetstream from its checkpoint, with the user agent only', () => {
    const { url, headers } = streamEndpoint(jetstream, { timeUs: 9_000_000 }, 'hark-test');
    expect(new URL(url).searchParams.get('cursor')).not.toBeNull();
    expect(headers).toEqual({ 'user-agent': 'hark-test' });
  });

  it('connects a Mastodon stream with its bearer token when it has one', () => {
    const { url, headers } = streamEndpoint(mastodon, null, 'hark-test');
    expect(url).toBe('wss://m.example/api/v1/streaming?stream=public');
    expect(headers).toEqual({ 'user-agent': 'hark-test', authorization: 'Bearer secret-token' });
    const open = streamEndpoint({ ...mastodon, token: undefined }, null, 'hark-test');
    expect(open.headers).toEqual({ 'user-agent': 'hark-test' });
  });
});

describe('readStreamMessages', () => {
  it('when a Jetstream names no brand, posts failing the match are counted, not mapped', () => {
    const batch = readStreamMessages(jetstream, capture, null, {}, () => false);
    expect(batch.posts).toHaveLength(0);
    expect(batch.unmatched).toBeGreaterThan(0);
  });

  it('when a Jetstream is dedicated to a brand, every post is kept whatever the match says', () => {
    const batch = readStreamMessages(
      { ...jetstream, brand: 'acme' },
      capture,
      null,
      {},
      () => false,
    );
    expect(batch.posts.length).toBeGreaterThan(0);
    expect(batch.unmatched).toBe(0);
  });

  it('reads Mastodon stream messages as Mastodon events', () => {
    const batch = readStreamMessages(mastodon, ['{"event":"delete","payload":"1"}'], null, {});
    expect(batch.posts).toHaveLength(0);
    expect(batch.compliance.length + batch.ignored).toBe(1);
  });
});
