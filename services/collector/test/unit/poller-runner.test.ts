import { readFileSync } from 'node:fs';
import { parseBrandsConfig } from '@hark/brands';
import type { Encoder } from '@hark/kafka';
import { describe, expect, it } from 'vitest';
import type { CursorStore } from '../../src/adapters/cursor-store.ts';
import { createIngestService } from '../../src/adapters/ingest.ts';
import { createKafkaPublisher } from '../../src/adapters/kafka-publisher.ts';
import { createPollerRunner } from '../../src/adapters/poller-runner.ts';
import { compileBrandMatcher } from '../../src/domain/brand-matcher.ts';
import type { PollerSpec } from '../../src/domain/pollers/poller-spec.ts';
import { counter, fakeProducer, silentLogger, testMetrics } from './helpers.ts';

const brands = parseBrandsConfig({
  brands: [
    { id: 'acme', name: 'Acme' },
    { id: 'globex', name: 'Globex' },
  ],
});
const fixture = (p: string) => readFileSync(new URL(`../fixtures/${p}`, import.meta.url), 'utf8');
const jsonEncoder = <T>(): Encoder<T> => ({
  schemaId: 1,
  subject: 's',
  encode: (v: T) => Buffer.from(JSON.stringify(v)),
});

function memoryStore(): CursorStore & {
  rows: Map<string, { owner: string | null; cursor: unknown }>;
} {
  const rows = new Map<string, { owner: string | null; cursor: unknown }>();
  return {
    rows,
    async acquire(id, _kind, owner) {
      const row = rows.get(id);
      if (row && row.owner !== null && row.owner !== owner) return { held: true };
      rows.set(id, { owner, cursor: row?.cursor ?? null });
      return { held: false, cursor: row?.cursor ?? null };
    },
    async save(id, owner, cursor) {
      const row = rows.get(id);
      if (!row || row.owner !== owner) return false;
      row.cursor = cursor;
      return true;
    },
    async release(id, owner) {
      const row = rows.get(id);
      if (row?.owner === owner) row.owner = null;
    },
  };
}

type Route = (url: URL, init: RequestInit) => Response;

function setup(pollers: PollerSpec[], route: Route, opts: { freeSleeps?: number } = {}) {
  const fake = fakeProducer();
  const { registry, metrics } = testMetrics();
  const publisher = createKafkaPublisher({
    producer: fake.producer,
    logger: silentLogger,
    metrics,
    sendTimeoutMs: 200,
    circuitOpenMs: 0,
  });
  const ingest = createIngestService({
    matcher: compileBrandMatcher(brands.brands),
    publisher,
    encoders: {
      mention: jsonEncoder(),
      signal: jsonEncoder(),
      deadLetter: jsonEncoder(),
      compliance: jsonEncoder(),
    },
    topics: { mentions: 'mentions', signals: 'signals', dlq: 'dlq', compliance: 'compliance' },
    metrics,
    limits: { maxTextLength: 10_000, maxFutureSkewMs: 3_600_000 },
    brandIds: new Set(['acme', 'globex']),
    logger: silentLogger,
  });
  const requests: { url: URL; headers: Record<string, string> }[] = [];
  const delays: number[] = [];
  const store = memoryStore();
  const runner = createPollerRunner({
    pollers,
    store,
    ingest,
    metrics,
    logger: silentLogger,
    owner: 'instance-a',
    userAgent: 'hark-test',
    maxTextLength: 10_000,
    fetch: (async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(String(input));
      requests.push({ url, headers: (init?.headers ?? {}) as Record<string, string> });
      return route(url, init ?? {});
    }) as typeof fetch,
    // The first `freeSleeps` waits return at once so the loop runs on; then it parks until close().
    sleep: (ms, signal) => {
      delays.push(ms);
      if (delays.length <= (opts.freeSleeps ?? 0)) return Promise.resolve();
      return new Promise((_, reject) =>
        signal.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    },
    random: () => 0.5,
  });
  return { runner, fake, registry, requests, delays, store };
}

const json = (body: unknown, init: ResponseInit = {}) =>
  new Response(JSON.stringify(body), {
    status: 200,
    headers: { 'content-type': 'application/json' },
    ...init,
  });
const status = (id: string, text: string) => ({
  id,
  created_at: '2026-11-22T10:00:00.000Z',
  visibility: 'public',
  uri: `https://m.example/users/a/statuses/${id}`,
  url: `https://m.example/@a/${id}`,
  content: `<p>${text}</p>`,
  account: { id: '1', acct: 'a', url: 'https://m.example/@a' },
});

const mastodon: PollerSpec = {
  id: 'acme-tag',
  kind: 'mastodon-tag',
  instance: 'https://m.example',
  tag: 'acme',
  limit: 2,
  intervalMs: 60_000,
  maxPages: 5,
};

describe('poller runner', () => {
  it('checkpoints after the first page and then asks only for what follows it, page by page', async () => {
    const timeline = ['1', '2', '3', '4', '5'].map((id) => status(id, `Acme post ${id}`));
    let visible = 2;
    const { runner, fake, requests, store } = setup([mastodon], (url) => {
      const minId = url.searchParams.get('min_id');
      const available = timeline
        .slice(0, visible)
        .filter((s) => !minId || BigInt(s.id) > BigInt(minId));
      // min_id answers the statuses right after the cursor; newest first within the page, as Mastodon does.
      const page = minId ? available.slice(0, 2) : available.slice(-2);
      return json([...page].reverse());
    });
    expect(await runner.pollOnce('acme-tag')).toMatchObject({
      outcome: 'ok',
      items: 2,
      accepted: 2,
    });
    expect(store.rows.get('acme-tag')!.cursor).toEqual({ minId: '2' });
    visible = 5;
    expect(await runner.pollOnce('acme-tag')).toMatchObject({ items: 3 });
    expect(requests.map((r) => r.url.searchParams.get('min_id'))).toEqual([null, '2', '4']);
    expect(fake.records('mentions').map((m) => String(m.key).split('/').pop())).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
    ]);
    expect(store.rows.get('acme-tag')!.cursor).toEqual({ minId: '5' });
  });

  it('when Kafka does not acknowledge, the checkpoint stays, so the next round fetches the same items again', async () => {
    const { runner, fake, store, requests } = setup([mastodon], (url) =>
      json(
        url.searchParams.get('min_id') ? [status('3', 'Acme three')] : [status('2', 'Acme two')],
      ),
    );
    await runner.pollOnce('acme-tag');
    fake.set('fail');
    await expect(runner.pollOnce('acme-tag')).rejects.toMatchObject({
      code: 'HARK_KAFKA_UNAVAILABLE',
    });
    expect(store.rows.get('acme-tag')!.cursor).toEqual({ minId: '2' });
    fake.set('ok');
    await runner.pollOnce('acme-tag');
    expect(requests.map((r) => r.url.searchParams.get('min_id'))).toEqual([null, '2', '2']);
    expect(store.rows.get('acme-tag')!.cursor).toEqual({ minId: '3' });
  });

  it('on 429 it waits what Retry-After says before the next round', async () => {
    const { runner, delays, registry } = setup(
      [mastodon],
      () => new Response('slow down', { status: 429, headers: { 'retry-after': '7' } }),
    );
    runner.start();
    while (delays.length === 0) await new Promise((r) => setTimeout(r, 5));
    await runner.close();
    expect(delays[0]).toBe(7000);
    expect(await counter(registry, 'hark_collector_polls_total', { outcome: 'rate_limited' })).toBe(
      1,
    );
  });

  it('backs off exponentially on server errors, then polls at its interval after a success', async () => {
    let calls = 0;
    const { runner, delays } = setup(
      [mastodon],
      () => (++calls <= 3 ? new Response('oops', { status: 502 }) : json([])),
      { freeSleeps: 4 },
    );
    runner.start();
    while (delays.length < 5) await new Promise((r) => setTimeout(r, 5));
    await runner.close();
    expect(delays).toEqual([2000, 4000, 8000, 60_000, 60_000]);
  });

  it('leaves a poller alone while another instance holds its lease', async () => {
    const { runner, requests, store } = setup([mastodon], () => json([]));
    store.rows.set('acme-tag', { owner: 'instance-b', cursor: { minId: '9' } });
    expect(await runner.pollOnce('acme-tag')).toEqual({
      outcome: 'lease_held',
      items: 0,
      accepted: 0,
    });
    expect(requests).toHaveLength(0);
  });

  it('Reddit: the first round takes the newest page; later rounds page back until a known post', async () => {
    const reddit: PollerSpec = {
      id: 'r',
      kind: 'reddit-search',
      baseUrl: 'https://www.reddit.com',
      query: 'acme',
      limit: 2,
      intervalMs: 60_000,
      maxPages: 5,
    };
    const thing = (n: number) => ({
      kind: 't3',
      data: {
        name: `t3_${n}`,
        title: `Acme ${n}`,
        selftext: '',
        author: 'u',
        author_fullname: 't2_u',
        created_utc: 1763700000 + n,
        permalink: `/r/x/${n}/`,
      },
    });
    let newest = 2;
    const { runner, requests, fake } = setup([reddit], (url) => {
      const after = url.searchParams.get('after');
      const start = after ? Number(after.slice(3)) - 1 : newest;
      const page = [start, start - 1].filter((n) => n >= 1).map(thing);
      return json({
        kind: 'Listing',
        data: { after: page.length ? `t3_${start - 1}` : null, children: page },
      });
    });
    await runner.pollOnce('r');
    newest = 7;
    await runner.pollOnce('r');
    expect(requests.map((r) => r.url.searchParams.get('after'))).toEqual([
      null,
      null,
      't3_6',
      't3_4',
    ]);
    expect(fake.records('mentions').map((m) => m.key)).toEqual([
      'reddit:t3_1',
      'reddit:t3_2',
      'reddit:t3_3',
      'reddit:t3_4',
      'reddit:t3_5',
      'reddit:t3_6',
      'reddit:t3_7',
    ]);
  });

  it('feeds: conditional GET with the stored ETag; 304 ingests nothing', async () => {
    const feed: PollerSpec = {
      id: 'blog',
      kind: 'feed',
      url: 'https://homenet.example.com/feed/',
      platform: 'rss',
      intervalMs: 60_000,
      maxPages: 1,
    };
    let served = 0;
    const { runner, requests, fake } = setup([feed], (_url, init) => {
      served++;
      if ((init.headers as Record<string, string>)['if-none-match'] === '"v1"')
        return new Response(null, { status: 304 });
      return new Response(fixture('feeds/blog-rss.xml'), {
        status: 200,
        headers: { etag: '"v1"', 'content-type': 'application/rss+xml' },
      });
    });
    expect(await runner.pollOnce('blog')).toMatchObject({ outcome: 'ok', items: 2, accepted: 1 });
    expect(await runner.pollOnce('blog')).toMatchObject({ outcome: 'not_modified', items: 0 });
    expect(served).toBe(2);
    expect(requests[1]!.headers['if-none-match']).toBe('"v1"');
    expect(fake.records('mentions')).toHaveLength(1);
  });
});
