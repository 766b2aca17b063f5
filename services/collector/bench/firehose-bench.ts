/**
 * Firehose-scale intake: most posts of a firehose name no tracked brand.
 * Generates posts from the real Jetstream capture (test/fixtures/streams),
 * 1 % of them naming a tracked brand, and measures raw posts per second per
 * core:
 *
 *  1. the pure path on one thread (no I/O): Jetstream messages through the
 *     stream reader (brand match before mapping) and prepareMentions; NDJSON
 *     bodies through expandPayload and prepareMentions;
 *  2. the streaming path end to end: a Jetstream stand-in in a child process
 *     serves the messages over WebSocket to the collector's stream runner,
 *     which produces the matched 1 % to Kafka (acks=all) and checkpoints;
 *  3. the HTTP NDJSON path end to end: a child process posts batches of
 *     1,000 posts to POST /v1/mentions, the matched 1 % produced to Kafka.
 *
 * For 2 and 3, posts/s per core = posts/s ÷ (the collector process's CPU
 * seconds ÷ wall seconds); the load generators run in other processes.
 *
 *   make stack-up && npm run bench:firehose -w @hark/collector
 *
 * BENCH_POSTS (200000), BENCH_KAFKA=off (a producer that acknowledges at once).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { loadBrandsConfig } from '@hark/brands';
import { createPool, migrate } from '@hark/db';
import { createAvroSerde, createKafka, createProducer, createRegistryClient } from '@hark/kafka';
import { createLogger } from '@hark/observability';
import { createKeyring, migratePrivacy, TEST_MASTER_KEY } from '@hark/privacy';
import { createTestDatabase, createTestTopics, testEnv } from '@hark/testing';
import { Registry } from 'prom-client';
import { createMentionPrivacy } from '../src/adapters/mention-privacy.ts';
import { createCollector, MIGRATIONS_DIR } from '../src/collector.ts';
import { compileBrandMatcher } from '../src/domain/brand-matcher.ts';
import { expandPayload } from '../src/domain/expand-payload.ts';
import { prepareMentions } from '../src/domain/prepare-mentions.ts';
import { readJetstreamBatch } from '../src/domain/streams/jetstream.ts';

const POSTS = Number(process.env.BENCH_POSTS ?? 200_000);
const KAFKA_OFF = process.env.BENCH_KAFKA === 'off';
const API_KEY = 'bench-key-0123456789abcdef';
const env = testEnv();
const logger = createLogger({ service: 'firehose-bench', level: 'warn' });
const brands = loadBrandsConfig(
  new URL('../../../deploy/local/brands.yaml', import.meta.url).pathname,
);
const matcher = compileBrandMatcher(brands.brands);

// Real post events as templates; every message gets its own rkey and time_us.
const templates = readFileSync(
  new URL('../test/fixtures/streams/jetstream-capture.jsonl', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((l) => l.includes('"app.bsky.feed.post"') && l.includes('"create"'))
  .map(
    (l) =>
      JSON.parse(l) as {
        did: string;
        time_us: number;
        commit: { rkey: string; record: { text: unknown; createdAt: string } };
      },
  )
  .filter((e) => typeof e.commit.record.text === 'string' && e.commit.record.text !== '');
const BRANDED = [' — my Acme Fiber box is down again', ' switching to Globex One', ' #AcmeFiber'];
const now = Date.now();
const events = Array.from({ length: POSTS }, (_, i) => {
  const t = templates[i % templates.length]!;
  const text =
    i % 100 === 0 ? `${t.commit.record.text}${BRANDED[(i / 100) % 3]}` : t.commit.record.text;
  return {
    ...t,
    time_us: now * 1000 + i,
    commit: {
      ...t.commit,
      rkey: `${t.commit.rkey}${i.toString(36)}`,
      record: { ...t.commit.record, text, createdAt: new Date(now - 60_000).toISOString() },
    },
  };
});
const messages = events.map((e) => JSON.stringify(e));
const ndjsonLines = events.map((e) =>
  JSON.stringify({
    platform: 'bluesky',
    id: `at://${e.did}/app.bsky.feed.post/${e.commit.rkey}`,
    author: { id: e.did },
    text: e.commit.record.text,
    createdAt: e.commit.record.createdAt,
  }),
);
const BODY = 1000;
const bodies: string[] = [];
for (let i = 0; i < ndjsonLines.length; i += BODY)
  bodies.push(ndjsonLines.slice(i, i + BODY).join('\n'));
const expectedMatched = Math.ceil(POSTS / 100);

function best(label: string, run: () => number): { label: string; postsPerSecond: number } {
  let top = 0;
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    const n = run();
    top = Math.max(top, (n / (performance.now() - t0)) * 1000);
  }
  return { label, postsPerSecond: Math.round(top) };
}

const ctx = {
  matcher,
  limits: { maxTextLength: 10_000, maxFutureSkewMs: 900_000 },
  now,
  source: { kind: 'poller' as const, name: 'bench' },
};
const mayMatch = (text: string) => matcher.match(text).brands.length > 0;
const pure = [
  best('pure stream path (Jetstream messages → match → map matched → validate)', () => {
    let matched = 0;
    for (let i = 0; i < messages.length; i += 500) {
      const b = readJetstreamBatch(messages.slice(i, i + 500), null, {}, mayMatch);
      matched += prepareMentions(
        b.posts.map((entry) => ({ entry })),
        ctx,
      ).mentions.length;
    }
    if (matched !== expectedMatched)
      throw new Error(`matched ${matched}, expected ${expectedMatched}`);
    return messages.length;
  }),
  best('pure stream path without the match-first step (map and validate every post)', () => {
    for (let i = 0; i < messages.length; i += 500) {
      const b = readJetstreamBatch(messages.slice(i, i + 500), null, {});
      prepareMentions(
        b.posts.map((entry) => ({ entry })),
        ctx,
      );
    }
    return messages.length;
  }),
  best('pure NDJSON path (parse → validate → match)', () => {
    let matched = 0;
    for (const body of bodies) {
      const ex = expandPayload(body, 'ndjson', 'generic');
      if (!ex.ok) throw new Error(ex.message);
      matched += prepareMentions(ex.entries, ctx).mentions.length;
    }
    if (matched !== expectedMatched) throw new Error(`matched ${matched}`);
    return ndjsonLines.length;
  }),
];

// The collector, as main.ts builds it (privacy on), on bench topics.
const kafka = createKafka({ clientId: 'firehose-bench', brokers: env.kafkaBrokers, logger });
const topics = await createTestTopics(kafka, [
  { prefix: 'bench.firehose.mentions', partitions: 6 },
  { prefix: 'bench.firehose.signals' },
  { prefix: 'bench.firehose.dlq' },
  { prefix: 'bench.firehose.compliance' },
]);
const db = await createTestDatabase();
const pool = createPool({ url: db.url, logger, max: 4 });
await migratePrivacy({ pool, logger });
await migrate({ pool, scope: 'collector', dir: MIGRATIONS_DIR, logger });
const keyring = createKeyring({ pool, masterKey: TEST_MASTER_KEY, logger });

function child(mode: string, args: string[], input: string[]) {
  const p = spawn(
    process.execPath,
    ['--import', 'tsx', new URL('./firehose-load.ts', import.meta.url).pathname, mode, ...args],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  p.stdin.end(JSON.stringify(input));
  const lines: string[] = [];
  let buf = '';
  p.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      lines.push(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
  });
  const line = async () => {
    while (lines.length === 0) {
      if (p.exitCode !== null) throw new Error(`load process exited ${p.exitCode}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return JSON.parse(lines.shift()!) as Record<string, number>;
  };
  return { p, line };
}

async function collectorWith(streams: { url: string } | null) {
  const registry = new Registry();
  const c = await createCollector({
    logger,
    registry,
    producer: KAFKA_OFF
      ? { connect: async () => {}, disconnect: async () => {}, sendBatch: async () => [] }
      : createProducer(kafka),
    serde: createAvroSerde({ registry: createRegistryClient({ url: env.schemaRegistryUrl }) }),
    topics: {
      mentions: topics.names[0]!,
      signals: topics.names[1]!,
      dlq: topics.names[2]!,
      compliance: topics.names[3]!,
    },
    brands,
    sources: {
      webhooks: [],
      pollers: [],
      streams: streams ? [{ id: `bench-${Date.now()}`, kind: 'jetstream', url: streams.url }] : [],
    },
    pool,
    privacy: createMentionPrivacy({
      keyring,
      hashEmails: true,
      redactTextContacts: true,
      registry,
    }),
    apiKeys: [{ name: 'bench', key: API_KEY }],
    limits: {
      bodyLimitBytes: 5 * 1024 * 1024,
      maxItems: 1000,
      maxTextLength: 10_000,
      maxFutureSkewMs: 3_600_000,
    },
    kafka: { produceTimeoutMs: 10_000, circuitOpenMs: 5000 },
    pollers: { owner: `${hostname()}-bench`, userAgent: 'hark-bench' },
  });
  return { c, registry };
}

async function counter(registry: Registry, name: string): Promise<number> {
  const m = await registry.getSingleMetric(name)?.get();
  return (m?.values ?? []).reduce((s, v) => s + v.value, 0);
}

// 2. Streaming path.
const wsLoad = child('ws', [], messages);
const { port: wsPort } = await wsLoad.line();
const streaming = await collectorWith({ url: `ws://127.0.0.1:${wsPort}/subscribe` });
const t0 = performance.now();
const cpu0 = process.cpuUsage();
await streaming.c.start({ host: '127.0.0.1', port: 0 });
for (;;) {
  const received = await counter(streaming.registry, 'hark_collector_received_total');
  if (received >= POSTS) break;
  if (performance.now() - t0 > 300_000)
    throw new Error(`stream: ${received} of ${POSTS} after 5 min`);
  await new Promise((r) => setTimeout(r, 50));
}
const streamWall = (performance.now() - t0) / 1000;
const streamCpu = process.cpuUsage(cpu0);
const streamAccepted = await counter(streaming.registry, 'hark_collector_accepted_total');
await streaming.c.close();
wsLoad.p.kill();

// 3. HTTP NDJSON path.
const http = await collectorWith(null);
const { port } = await http.c.start({ host: '127.0.0.1', port: 0 });
const cpu1 = process.cpuUsage();
const t1 = performance.now();
const httpLoad = child('http', [`http://127.0.0.1:${port}/v1/mentions`, API_KEY, '4'], bodies);
const httpResult = await httpLoad.line();
const httpWall = (performance.now() - t1) / 1000;
const httpCpu = process.cpuUsage(cpu1);
const httpAccepted = await counter(http.registry, 'hark_collector_accepted_total');
await http.c.close();

const perCore = (posts: number, wall: number, cpu: NodeJS.CpuUsage) => {
  const cores = (cpu.user + cpu.system) / 1e6 / wall;
  return {
    postsPerSecond: Math.round(posts / wall),
    coresUsed: +cores.toFixed(2),
    postsPerSecondPerCore: Math.round(posts / wall / cores),
  };
};
process.stdout.write(
  `${JSON.stringify(
    {
      posts: POSTS,
      matchedShare: 0.01,
      kafka: KAFKA_OFF ? 'off' : 'acks=all',
      pure,
      streaming: { ...perCore(POSTS, streamWall, streamCpu), accepted: streamAccepted },
      httpNdjson: {
        ...perCore(POSTS, httpWall, httpCpu),
        requests: httpResult.requests,
        accepted: httpAccepted,
      },
      loadavg: (await import('node:os')).loadavg().map((l) => +l.toFixed(2)),
    },
    null,
    2,
  )}\n`,
);
await keyring.close();
await pool.end();
await db.drop();
await topics.drop();
process.exit(0);
