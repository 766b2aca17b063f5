import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  JETSTREAM_REWIND_US,
  jetstreamUrl,
  readJetstreamBatch,
} from '../../../src/domain/streams/jetstream.ts';

const timeOf = (line: string) => (JSON.parse(line) as { time_us: number }).time_us;
// The capture lists events in relay order; Jetstream serves them in time_us order.
const capture = readFileSync(
  new URL('../../fixtures/streams/jetstream-capture.jsonl', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((l) => l.trim() !== '')
  .sort((a, b) => timeOf(a) - timeOf(b));

describe('Jetstream', () => {
  it('subscribes to post commits only, from the checkpoint minus the rewind', () => {
    expect(jetstreamUrl('wss://js.example/subscribe', null)).toBe(
      'wss://js.example/subscribe?wantedCollections=app.bsky.feed.post',
    );
    const url = new URL(jetstreamUrl('wss://js.example/subscribe?cursor=1', { timeUs: 9_000_000 }));
    expect(url.searchParams.getAll('wantedCollections')).toEqual(['app.bsky.feed.post']);
    expect(url.searchParams.get('cursor')).toBe(String(9_000_000 - JETSTREAM_REWIND_US));
  });

  it('reads a real capture: posts mapped, the delete and account event to compliance, the rest skipped and counted', () => {
    const batch = readJetstreamBatch(capture, null);
    expect(batch.posts).toHaveLength(17);
    expect(batch.posts.filter((p) => 'post' in p)).toHaveLength(17);
    expect(batch.compliance).toHaveLength(1);
    expect(batch.compliance[0]).toMatchObject({ item: { kind: 'post_deleted' } });
    // 152 events: 17 posts, 1 delete, and 134 likes, reposts, follows, blocks, other apps' records,
    // the identity event and the account event (active: not an erasure).
    expect(batch.ignored).toBe(134);
    expect(batch.cursor).toEqual({ timeUs: Math.max(...capture.map(timeOf)) });
  });

  it('when resumed from a checkpoint, drops what it had already read (the rewind overlap)', () => {
    const first = readJetstreamBatch(capture.slice(0, 60), null);
    const again = readJetstreamBatch(capture.slice(40), first.cursor);
    expect(again.replayed).toBe(20);
    const all = readJetstreamBatch(capture, null);
    const ids = (b: typeof all) => b.posts.map((p) => ('post' in p ? p.post.id : null));
    expect([...ids(first), ...ids(again)]).toEqual(ids(all));
  });

  it('with a matcher, counts posts naming no brand without mapping them, and keeps one named only in a link', () => {
    const acme = (text: string) => /acme/i.test(text);
    const post = JSON.parse(
      capture.find((l) => l.includes('"app.bsky.feed.post"') && l.includes('"create"'))!,
    );
    const named = {
      ...post,
      time_us: post.time_us + 1,
      commit: {
        ...post.commit,
        rkey: 'a1',
        record: { ...post.commit.record, text: 'my Acme box', facets: [] },
      },
    };
    const linked = {
      ...post,
      time_us: post.time_us + 2,
      commit: {
        ...post.commit,
        rkey: 'a2',
        record: {
          ...post.commit.record,
          text: 'look: example.com/ac...',
          facets: [
            {
              index: { byteStart: 6, byteEnd: 23 },
              features: [
                { $type: 'app.bsky.richtext.facet#link', uri: 'https://example.com/acme-outage' },
              ],
            },
          ],
        },
      },
    };
    const batch = readJetstreamBatch(
      [...capture, JSON.stringify(named), JSON.stringify(linked)],
      null,
      {},
      acme,
    );
    expect(batch.unmatched).toBe(17);
    expect(batch.posts.map((p) => 'post' in p && p.post.text)).toEqual([
      'my Acme box',
      'look: https://example.com/acme-outage',
    ]);
    expect(batch.compliance).toHaveLength(1);
    expect(batch.ignored).toBe(134);
  });

  it('when a message is not JSON, it becomes a refused item with its bytes, and the cursor does not move', () => {
    const batch = readJetstreamBatch(['{"kind":'], { timeUs: 5 });
    expect(batch.posts).toEqual([
      { native: '{"kind":', error: expect.objectContaining({ reason: 'malformed_json' }) },
    ]);
    expect(batch.cursor).toEqual({ timeUs: 5 });
  });
});
