import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createPool, migrate, type Pool } from '@hark/db';
import { createKafka } from '@hark/kafka';
import { createTestDatabase, createTestTopics, readMessages, waitFor } from '@hark/testing';
import Fastify from 'fastify';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { MIGRATIONS_DIR } from '../../src/collector.ts';
import { compareIds } from '../../src/domain/pollers/cursors.ts';
import type { CorpusCase } from '../corpus/run-case.ts';
import { env, logger, startCollector, type Harness } from './harness.ts';

// Real statuses from the corpus (Mastodon.py cassettes, Mastodon docs) that map to mentions,
// posted in id order, as a server's timeline grows.
const dir = new URL('../corpus/mastodon/', import.meta.url).pathname;
const statuses = readdirSync(dir)
  .map((f) => JSON.parse(readFileSync(`${dir}${f}`, 'utf8')) as CorpusCase)
  .filter((c) => c.expected!.items.length === 1 && 'mention' in c.expected!.items[0]!)
  .map((c) => ({
    status: c.payload as { id: string },
    mentionId: (c.expected!.items[0] as { mention: { mentionId: string } }).mention.mentionId,
  }))
  .sort((a, b) => compareIds(a.status.id, b.status.id));

/**
 * A Mastodon server stand-in: the streaming WebSocket (live only, no replay:
 * Mastodon's stream has no cursor) and the REST timeline with min_id paging.
 */
async function mastodonServer() {
  const timeline: { id: string }[] = [];
  const sockets = new Set<WebSocket>();
  const streams: string[] = [];
  const backfills: string[] = [];
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/api/v1/streaming' });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  wss.on('connection', (socket, req) => {
    streams.push(new URL(req.url!, 'ws://x').searchParams.toString());
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const rest = Fastify();
  rest.get<{ Querystring: { min_id?: string; limit?: string } }>(
    '/api/v1/timelines/public',
    async (req) => {
      backfills.push(req.query.min_id ?? '');
      const after = req.query.min_id;
      const newer = timeline.filter((s) => !after || compareIds(s.id, after) > 0);
      return newer.slice(0, Number(req.query.limit ?? 20)).reverse();
    },
  );
  await rest.listen({ host: '127.0.0.1', port: 0 });
  const wsPort = (wss.address() as AddressInfo).port;
  const restPort = (rest.server.address() as AddressInfo).port;
  return {
    // One origin in production; two ports here, so the stream URL is rewritten by the spec below.
    wsPort,
    restPort,
    streams,
    backfills,
    connected: () => sockets.size,
    post(status: { id: string }) {
      timeline.push(status);
      const message = JSON.stringify({
        stream: ['public'],
        event: 'update',
        payload: JSON.stringify(status),
      });
      for (const s of sockets) s.send(message);
    },
    disconnectAll() {
      for (const s of sockets) s.terminate();
    },
    async close() {
      this.disconnectAll();
      await new Promise<void>((r) => wss.close(() => r()));
      await rest.close();
    },
  };
}

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
let kafka: Kafka;
let drop: () => Promise<void>;
let server: Awaited<ReturnType<typeof mastodonServer>>;
const running: Harness[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ url: db.url, logger });
  await migrate({ pool, scope: 'collector', dir: MIGRATIONS_DIR, logger });
  kafka = createKafka({ clientId: 'mastodon-stream-test', brokers: env.kafkaBrokers, logger });
  server = await mastodonServer();
});

afterAll(async () => {
  for (const h of running) await h.close().catch(() => {});
  await server?.close();
  await pool?.end();
  await db?.drop();
  await drop?.();
});

async function lastId(): Promise<string | undefined> {
  const { rows } = await pool.query<{ cursor: { lastId: string } | null }>(
    "select cursor from collector_poller_cursors where poller_id = 'm-public'",
  );
  return rows[0]?.cursor?.lastId;
}

describe('Mastodon streaming timeline', () => {
  it('across a disconnect and a restart, backfills what it missed: every status once', async () => {
    expect(statuses.length).toBeGreaterThanOrEqual(20);
    const created = await createTestTopics(kafka, [
      { prefix: 'ms-mentions' },
      { prefix: 'ms-signals' },
      { prefix: 'ms-dlq' },
      { prefix: 'ms-compliance' },
    ]);
    drop = created.drop;
    const [mentions, signals, dlq, compliance] = created.names as [string, string, string, string];
    const topics = { mentions, signals, dlq, compliance };
    // The REST API on its own port: fetch is pointed there, the WebSocket at the stream port.
    const restBase = `http://127.0.0.1:${server.restPort}`;
    const redirect: typeof fetch = (input, init) =>
      fetch(String(input).replace(/^http:\/\/127\.0\.0\.1:\d+/, restBase), init);
    const start = async (owner: string) => {
      const h = await startCollector({
        topics,
        pool,
        keyringPool: pool,
        sources: {
          webhooks: [],
          pollers: [],
          streams: [
            {
              id: 'm-public',
              kind: 'mastodon-stream',
              instance: `http://127.0.0.1:${server.wsPort}`,
              timeline: 'public',
              brand: 'acme',
            },
          ],
        },
        pollers: {
          owner,
          userAgent: 'hark-test',
          fetch: redirect,
          backoffBaseMs: 50,
          backoffMaxMs: 300,
        },
      });
      running.push(h);
      return h;
    };
    const idOf = (i: number) => statuses[i]!.status.id;
    const post = (from: number, to: number) => {
      for (let i = from; i < to; i++) server.post(statuses[i]!.status);
    };

    // The first status opens the timeline before any collector runs (a new source starts from now).
    const first = await start('instance-1');
    await waitFor(async () => server.connected() === 1, { timeoutMs: 10_000, what: 'a stream' });
    post(0, 8);
    await waitFor(async () => (await lastId()) === idOf(7), { timeoutMs: 15_000, what: 'id 8' });

    // Disconnect mid-stream; statuses 9–12 are posted while no stream is open.
    server.disconnectAll();
    post(8, 12);
    await waitFor(async () => server.connected() === 1, { timeoutMs: 10_000, what: 'reconnect' });
    post(12, 16);
    await waitFor(async () => (await lastId()) === idOf(15), { timeoutMs: 15_000, what: 'id 16' });

    // Restart: statuses posted while no collector runs come from the backfill.
    await first.close();
    running.splice(running.indexOf(first), 1);
    post(16, statuses.length - 2);
    const second = await start('instance-2');
    await waitFor(async () => server.connected() === 1, { timeoutMs: 10_000, what: 'a stream' });
    post(statuses.length - 2, statuses.length);
    await waitFor(async () => (await lastId()) === idOf(statuses.length - 1), {
      timeoutMs: 15_000,
      what: 'the last id',
    });

    expect(server.streams.every((q) => q === 'stream=public')).toBe(true);
    expect(server.backfills).toContain(idOf(7));
    expect(server.backfills).toContain(idOf(15));
    const got = (await readMessages(kafka, mentions, statuses.length, 30_000)).map((m) =>
      String(m.key),
    );
    expect(got.sort()).toEqual(statuses.map((s) => s.mentionId).sort());
    expect(await second.count(mentions)).toBe(statuses.length);
    expect(await second.count(dlq)).toBe(0);
  });
});
