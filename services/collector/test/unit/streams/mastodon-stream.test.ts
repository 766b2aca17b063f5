import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  mastodonBackfillUrl,
  mastodonStreamUrl,
  readMastodonPage,
  readMastodonStream,
} from '../../../src/domain/streams/mastodon-stream.ts';

const status = (name: string) =>
  (
    JSON.parse(
      readFileSync(new URL(`../../corpus/mastodon/${name}.json`, import.meta.url), 'utf8'),
    ) as { payload: { id: string } }
  ).payload;
const a = status('mastodonpy-public-117020570194921638');
const b = status('mastodonpy-public-117020570233811316');
const edited = status('mastodonpy-edited-116386304083189708');
const msg = (event: string, payload: unknown) =>
  JSON.stringify({ stream: ['public'], event, payload: JSON.stringify(payload) });

describe('Mastodon streaming', () => {
  it('builds the public, local and hashtag stream and backfill URLs', () => {
    const base = { id: 's', kind: 'mastodon-stream' as const, instance: 'https://m.example' };
    expect(mastodonStreamUrl({ ...base, timeline: 'public' })).toBe(
      'wss://m.example/api/v1/streaming?stream=public',
    );
    expect(mastodonStreamUrl({ ...base, timeline: 'local' })).toBe(
      'wss://m.example/api/v1/streaming?stream=public%3Alocal',
    );
    expect(mastodonStreamUrl({ ...base, timeline: 'hashtag', tag: 'acme' })).toBe(
      'wss://m.example/api/v1/streaming?stream=hashtag&tag=acme',
    );
    expect(mastodonBackfillUrl({ ...base, timeline: 'local' }, '42')).toBe(
      'https://m.example/api/v1/timelines/public?local=true&limit=40&min_id=42',
    );
    expect(mastodonBackfillUrl({ ...base, timeline: 'hashtag', tag: 'acme' }, '42')).toBe(
      'https://m.example/api/v1/timelines/tag/acme?limit=40&min_id=42',
    );
  });

  it('reads update events of real statuses, skips other events, and checkpoints the newest id', () => {
    const batch = readMastodonStream(
      [msg('update', a), msg('notification', { id: '1' }), msg('update', b)],
      null,
    );
    expect(batch.posts.map((p) => 'post' in p && p.post.id)).toEqual(
      [a, b].map((s) => (s as unknown as { uri: string }).uri),
    );
    expect(batch.ignored).toBe(1);
    expect(batch.cursor?.lastId).toBe(b.id);
    expect(batch.cursor?.seen).toEqual([b.id, a.id]);
  });

  it('drops statuses already seen (the backfill and the buffered stream overlap)', () => {
    const first = readMastodonPage([b, a], null);
    expect(first.posts).toHaveLength(2);
    const again = readMastodonStream([msg('update', a), msg('update', b)], first.cursor);
    expect(again).toMatchObject({ posts: [], replayed: 2 });
  });

  it('turns status.update into post_edited plus the edited status', () => {
    const batch = readMastodonStream([msg('status.update', edited)], null);
    expect(batch.compliance).toEqual([
      expect.objectContaining({ item: expect.objectContaining({ kind: 'post_edited' }) }),
    ]);
    expect(batch.posts).toHaveLength(1);
  });
});
