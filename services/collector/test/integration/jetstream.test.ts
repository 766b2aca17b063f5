import { readFileSync } from 'node:fs';
import { createPool, migrate, type Pool } from '@hark/db';
import { createKafka } from '@hark/kafka';
import { createTestDatabase, createTestTopics, readMessages, waitFor } from '@hark/testing';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../../src/collector.ts';
import { readJetstreamBatch } from '../../src/domain/streams/jetstream.ts';
import type { StreamSpec } from '../../src/domain/streams/stream-spec.ts';
import { validatePost } from '../../src/domain/validate-post.ts';
import { env, logger, startCollector, type Harness } from './harness.ts';
import { startReplayServer, type ReplayServer } from './stream-replay.ts';

// A real Jetstream capture (test/fixtures/streams/SOURCES.md), served in time_us order.
const timeOf = (line: string) => (JSON.parse(line) as { time_us: number }).time_us;
const capture = readFileSync(
  new URL('../fixtures/streams/jetstream-capture.jsonl', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((l) => l.trim() !== '')
  .sort((a, b) => timeOf(a) - timeOf(b));

// What the whole capture must give: its valid posts, once each (one image-only post has no
// text and is dead-lettered), and its one post deletion.
const all = readJetstreamBatch(capture, null);
const validPosts = all.posts.flatMap((e) =>
  'post' in e &&
  validatePost(e.post, { now: Date.now(), maxTextLength: 10_000, maxFutureSkewMs: 3_600_000 }).ok
    ? [`bluesky:${e.post.id}`]
    : [],
);
const refused = all.posts.length - validPosts.length;

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
let kafka: Kafka;
let dropTopics: () => Promise<void>;
const running: Harness[] = [];
const servers: ReplayServer[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ url: db.url, logger });
  await migrate({ pool, scope: 'collector', dir: MIGRATIONS_DIR, logger });
  kafka = createKafka({ clientId: 'jetstream-test-admin', brokers: env.kafkaBrokers, logger });
});

afterAll(async () => {
  for (const h of running) await h.close().catch(() => {});
  for (const s of servers) await s.close();
  await pool?.end();
  await db?.drop();
  await dropTopics?.();
});

async function topicsFor(test: string) {
  const created = await createTestTopics(kafka, [
    { prefix: `${test}-mentions` },
    { prefix: `${test}-signals` },
    { prefix: `${test}-dlq` },
    { prefix: `${test}-compliance` },
  ]);
  const prior = dropTopics;
  dropTopics = async () => {
    await prior?.();
    await created.drop();
  };
  const [mentions, signals, dlq, compliance] = created.names as [string, string, string, string];
  return { mentions, signals, dlq, compliance };
}

async function collector(
  owner: string,
  topics: Awaited<ReturnType<typeof topicsFor>>,
  stream: StreamSpec,
): Promise<Harness> {
  const h = await startCollector({
    topics,
    pool,
    keyringPool: pool,
    sources: { webhooks: [], pollers: [], streams: [stream] },
    pollers: { owner, userAgent: 'hark-test', backoffBaseMs: 50, backoffMaxMs: 500 },
  });
  running.push(h);
  return h;
}

function jetstreamServer(dropAfter?: (connection: number) => number | undefined) {
  return startReplayServer({
    messages: capture,
    // Jetstream replays from the first event at or after the cursor.
    start: (q) => {
      const cursor = q.get('cursor');
      return cursor === null ? 0 : capture.findIndex((l) => timeOf(l) >= Number(cursor));
    },
    dropAfter,
  }).then((s) => (servers.push(s), s));
}

async function keys(topic: string, n: number): Promise<string[]> {
  const messages = await readMessages(kafka, topic, n, 30_000);
  return messages.map((m) => String(m.key));
}

async function checkpoint(id: string): Promise<{ timeUs: number } | null> {
  const { rows } = await pool.query<{ cursor: { timeUs: number } | null }>(
    'select cursor from collector_poller_cursors where poller_id = $1',
    [id],
  );
  return rows[0]?.cursor ?? null;
}

describe('Bluesky Jetstream stream', () => {
  it('when the connection drops mid-stream, it reconnects from its checkpoint: every post once', async () => {
    const topics = await topicsFor('js-drop');
    // The server cuts the first connection after 50 events and the second after 40 more.
    const server = await jetstreamServer((n) => (n === 0 ? 50 : n === 1 ? 40 : undefined));
    const h = await collector('instance-1', topics, {
      id: 'js-drop',
      kind: 'jetstream',
      url: server.url,
      brand: 'acme',
    });
    await waitFor(async () => (await checkpoint('js-drop'))?.timeUs === timeOf(capture.at(-1)!), {
      timeoutMs: 30_000,
      what: 'the checkpoint at the last event',
    });
    expect(server.connections.length).toBeGreaterThanOrEqual(3);
    expect(
      server.connections.every(
        (q) => q.getAll('wantedCollections').join() === 'app.bsky.feed.post',
      ),
    ).toBe(true);
    expect(server.connections[0]!.get('cursor')).toBeNull();
    expect(server.connections[1]!.get('cursor')).not.toBeNull();

    const got = await keys(topics.mentions, validPosts.length);
    expect(got.sort()).toEqual([...validPosts].sort());
    expect(await h.count(topics.mentions)).toBe(validPosts.length);
    expect(await h.count(topics.dlq)).toBe(refused);
    expect(await h.count(topics.compliance)).toBe(1);
    const metrics = await h.metrics.metrics();
    expect(metrics).toMatch(
      /hark_collector_stream_events_total\{stream="js-drop",outcome="ignored"\} 134/,
    );
    expect(metrics).toMatch(
      /hark_collector_stream_events_total\{stream="js-drop",outcome="replayed"\} [1-9]/,
    );
  });

  it('when the collector restarts mid-stream, the new instance resumes from the checkpoint: every post once', async () => {
    const topics = await topicsFor('js-restart');
    const server = await jetstreamServer();
    server.holdAt(70);
    const first = await collector('instance-1', topics, {
      id: 'js-restart',
      kind: 'jetstream',
      url: server.url,
      brand: 'acme',
    });
    await waitFor(async () => (await checkpoint('js-restart'))?.timeUs === timeOf(capture[69]!), {
      timeoutMs: 30_000,
      what: 'the checkpoint at the 70th event',
    });
    await first.close();
    running.splice(running.indexOf(first), 1);

    server.holdAt(undefined);
    const second = await collector('instance-2', topics, {
      id: 'js-restart',
      kind: 'jetstream',
      url: server.url,
      brand: 'acme',
    });
    await waitFor(
      async () => (await checkpoint('js-restart'))?.timeUs === timeOf(capture.at(-1)!),
      {
        timeoutMs: 30_000,
        what: 'the checkpoint at the last event',
      },
    );
    expect(Number(server.connections.at(-1)!.get('cursor'))).toBeLessThan(timeOf(capture[69]!));

    const got = await keys(topics.mentions, validPosts.length);
    expect(got.sort()).toEqual([...validPosts].sort());
    expect(await second.count(topics.mentions)).toBe(validPosts.length);
    expect(await second.count(topics.compliance)).toBe(1);
  });
});
