import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { parseBrandsConfig } from '@hark/brands';
import type { Encoder } from '@hark/kafka';
import { routesMissingFromDocument, undocumentedOperations } from '@hark/http';
import { describe, expect, it } from 'vitest';
import { createApiServer } from '../../src/adapters/http-api.ts';
import { createIngestService } from '../../src/adapters/ingest.ts';
import { createKafkaPublisher } from '../../src/adapters/kafka-publisher.ts';
import { compileBrandMatcher } from '../../src/domain/brand-matcher.ts';
import { hubSignature } from '../../src/domain/webhook-signature.ts';
import type { WebhookSource } from '../../src/domain/sources-config.ts';
import { counter, fakeProducer, silentLogger, testMetrics } from './helpers.ts';

const brands = parseBrandsConfig({
  brands: [
    {
      id: 'acme',
      name: 'Acme',
      hashtags: ['acmefiber'],
      handles: ['acmesupport'],
      exclude: ['road runner'],
    },
    { id: 'globex', name: 'Globex', keywords: ['Globex One'] },
    { id: 'initech', name: 'Initech' },
  ],
});
const KEY = 'test-key-0123456789abcdef';
const auth = { authorization: `Bearer ${KEY}` };
const fixture = (p: string) => readFileSync(new URL(`../fixtures/${p}`, import.meta.url), 'utf8');
const jsonEncoder = <T>(subject: string): Encoder<T> => ({
  schemaId: 1,
  subject,
  encode: (v: T) => Buffer.from(JSON.stringify(v)),
});
const webhooks: WebhookSource[] = [
  { source: 'partner', format: 'generic', secret: 'partner-secret', verifyToken: 'verify-me' },
  { source: 'mastodon', format: 'mastodon', secret: 'mastodon-secret' },
  { source: 'x', format: 'x', secret: 'x-consumer-secret' },
  { source: 'reviews', format: 'feed', secret: 'feed-secret', platform: 'review', brand: 'acme' },
  {
    source: 'news',
    format: 'feed',
    secret: 'news-secret',
    platform: 'rss',
    topic: 'https://news.example.com/feed.xml',
  },
];

function build(opts: { bodyLimitBytes?: number; maxItems?: number } = {}) {
  const fake = fakeProducer();
  const { registry, metrics } = testMetrics();
  const publisher = createKafkaPublisher({
    producer: fake.producer,
    logger: silentLogger,
    metrics,
    sendTimeoutMs: 300,
    circuitOpenMs: 30_000,
  });
  const ingest = createIngestService({
    matcher: compileBrandMatcher(brands.brands),
    publisher,
    encoders: {
      mention: jsonEncoder('m'),
      signal: jsonEncoder('s'),
      deadLetter: jsonEncoder('d'),
      compliance: jsonEncoder('c'),
    },
    topics: { mentions: 'mentions', signals: 'signals', dlq: 'dlq', compliance: 'compliance' },
    metrics,
    limits: { maxTextLength: 500, maxFutureSkewMs: 3_600_000 },
    brandIds: new Set(brands.brands.map((b) => b.id)),
    logger: silentLogger,
  });
  const app = createApiServer({
    ingest,
    apiKeys: [{ name: 'tests', key: KEY }],
    webhooks,
    bodyLimitBytes: opts.bodyLimitBytes ?? 1_000_000,
    maxItems: opts.maxItems ?? 100,
    maxTextLength: 500,
    logger: silentLogger,
    metrics,
  });
  const produced = (topic: string) =>
    fake.records(topic).map((m) => ({ key: m.key, value: JSON.parse(String(m.value)) }));
  return { app, fake, registry, produced };
}

const post = (over: Record<string, unknown> = {}) => ({
  platform: 'x',
  id: '100',
  author: { id: 'u1', handle: 'jdoe' },
  text: 'my Acme router died',
  createdAt: '2026-11-20T09:30:00Z',
  ...over,
});

describe('POST /v1/mentions', () => {
  it('without an API key answers 401 with WWW-Authenticate and counts it', async () => {
    const { app, registry } = build();
    const res = await app.inject({ method: 'POST', url: '/v1/mentions', payload: post() });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="hark"');
    expect(res.json()).toEqual({
      code: 'HARK_AUTH_UNAUTHORIZED',
      message: expect.any(String),
      statusCode: 401,
    });
    const wrong = await app.inject({
      method: 'POST',
      url: '/v1/mentions',
      headers: { authorization: 'Bearer nope' },
      payload: post(),
    });
    expect(wrong.statusCode).toBe(401);
    expect(
      await counter(registry, 'hark_collector_requests_rejected_total', { reason: 'unauthorized' }),
    ).toBe(2);
  });

  it('accepts one object with 202 after the broker acknowledged, keyed by mentionId', async () => {
    const { app, produced } = build();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/mentions',
      headers: auth,
      payload: post(),
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({
      received: 1,
      accepted: 1,
      unmatched: 0,
      rejected: 0,
      items: [
        { index: 0, mentionId: 'x:100', status: 'accepted', brands: ['acme'], keywords: ['acme'] },
      ],
      errors: [],
    });
    const [m] = produced('mentions');
    expect(m!.key).toBe('x:100');
    expect(m!.value).toMatchObject({
      mentionId: 'x:100',
      brands: ['acme'],
      source: { kind: 'http', name: 'tests' },
    });
  });

  it('answers a mixed batch with 207: accepted, unmatched and every rejected field; only matched items are produced', async () => {
    const { app, produced, registry } = build();
    const body = [
      post({ id: '1' }),
      post({ id: '2', text: 'nothing about brands' }),
      post({ id: '3', createdAt: 'yesterday', author: { id: 'u', followers: -1 } }),
      post({ id: '4', text: 'Globex One is great' }),
    ];
    const res = await app.inject({
      method: 'POST',
      url: '/v1/mentions',
      headers: auth,
      payload: body,
    });
    expect(res.statusCode).toBe(207);
    const out = res.json();
    expect(out).toMatchObject({ received: 4, accepted: 2, unmatched: 1, rejected: 1 });
    expect(
      out.items.map((i: { mentionId: string; status: string }) => [i.mentionId, i.status]),
    ).toEqual([
      ['x:1', 'accepted'],
      ['x:2', 'unmatched'],
      ['x:4', 'accepted'],
    ]);
    expect(out.errors).toEqual([
      {
        index: 2,
        id: 'x:3',
        path: 'author.followers',
        reason: 'negative_count',
        message: expect.any(String),
      },
      {
        index: 2,
        id: 'x:3',
        path: 'createdAt',
        reason: 'invalid_timestamp',
        message: expect.any(String),
      },
    ]);
    expect(produced('mentions').map((m) => m.key)).toEqual(['x:1', 'x:4']);
    expect(produced('dlq')).toEqual([]);
    expect(await counter(registry, 'hark_collector_unmatched_total')).toBe(1);
    expect(
      await counter(registry, 'hark_collector_rejected_total', { reason: 'negative_count' }),
    ).toBe(1);
    expect(await counter(registry, 'hark_collector_accepted_total', { type: 'mention' })).toBe(2);
    expect(await counter(registry, 'hark_collector_received_total', { source: 'http' })).toBe(4);
  });

  it('counts brand matches per brand over a batch, once per matched mention and brand', async () => {
    const { app, registry } = build();
    const body = [
      post({ id: '1', text: 'Acme and Globex One both down' }),
      post({ id: '2', text: 'Acme again' }),
      post({ id: '3', text: 'nothing about brands' }),
      post({ id: '4', text: 'Acme or Initech?' }),
    ];
    const res = await app.inject({
      method: 'POST',
      url: '/v1/mentions',
      headers: auth,
      payload: body,
    });
    expect(res.statusCode).toBe(202);
    const matches = (brand: string) =>
      counter(registry, 'hark_collector_brand_matches_total', { brand });
    expect([await matches('acme'), await matches('globex'), await matches('initech')]).toEqual([
      3, 1, 1,
    ]);
  });

  it('answers 400 with every error when no item is valid (the known-bad NDJSON fixture)', async () => {
    const { app, produced } = build();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/mentions',
      headers: { ...auth, 'content-type': 'application/x-ndjson' },
      payload: fixture('generic/known-bad.ndjson'),
    });
    expect(res.statusCode).toBe(400);
    const out = res.json();
    expect(out).toMatchObject({
      code: 'HARK_INGEST_INVALID',
      statusCode: 400,
      received: 7,
      accepted: 0,
      rejected: 7,
    });
    expect(
      out.errors.map((e: { index: number; line: number; path: string; reason: string }) => [
        e.index,
        e.line,
        e.path,
        e.reason,
      ]),
    ).toEqual([
      [0, 1, 'createdAt', 'invalid_timestamp'],
      [1, 2, 'id', 'wrong_type'],
      [2, 3, 'author.followers', 'negative_count'],
      [2, 3, 'engagement.likes', 'wrong_type'],
      [3, 4, 'createdAt', 'invalid_timestamp'],
      [4, 5, 'author', 'missing_field'],
      [4, 5, 'createdAt', 'invalid_timestamp'],
      [5, 6, '', 'malformed_json'],
      [6, 7, '', 'not_an_object'],
    ]);
    expect(produced('mentions')).toEqual([]);
  });

  it('takes NDJSON where one malformed line does not reject its neighbours', async () => {
    const { app } = build();
    const payload = `${JSON.stringify(post({ id: 'a' }))}\n{"platform":\n${JSON.stringify(post({ id: 'b' }))}\n`;
    const res = await app.inject({
      method: 'POST',
      url: '/v1/mentions',
      headers: { ...auth, 'content-type': 'application/x-ndjson' },
      payload,
    });
    expect(res.statusCode).toBe(207);
    expect(res.json().errors).toEqual([
      {
        index: 1,
        id: null,
        line: 2,
        path: '',
        reason: 'malformed_json',
        message: expect.stringContaining('line 2'),
      },
    ]);
    expect(res.json().accepted).toBe(2);
  });

  it.each([
    ['malformed JSON', 'application/json', '{"platform": "x",', 400, 'HARK_INGEST_MALFORMED_BODY'],
    ['a JSON string', 'application/json', '"hello"', 400, 'HARK_INGEST_MALFORMED_BODY'],
    ['an empty array', 'application/json', '[]', 400, 'HARK_INGEST_MALFORMED_BODY'],
    ['an empty body', 'application/json', '', 400, 'HARK_INGEST_MALFORMED_BODY'],
    ['text/plain', 'text/plain', 'hello', 415, 'HARK_INGEST_UNSUPPORTED_MEDIA_TYPE'],
    ['XML with the generic format', 'application/xml', '<a/>', 400, 'HARK_INGEST_MALFORMED_BODY'],
  ])('refuses %s as a whole', async (_label, contentType, payload, status, code) => {
    const { app, fake } = build();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/mentions',
      headers: { ...auth, 'content-type': contentType },
      payload,
    });
    expect(res.statusCode).toBe(status);
    expect(res.json()).toMatchObject({ code, statusCode: status });
    expect(fake.sendCalls).toBe(0);
  });

  it('answers 413 over the body limit and over the item limit', async () => {
    const { app, registry } = build({ bodyLimitBytes: 2048, maxItems: 3 });
    const big = await app.inject({
      method: 'POST',
      url: '/v1/mentions',
      headers: auth,
      payload: [post({ text: 'Acme '.repeat(1000) })],
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe('HARK_INGEST_PAYLOAD_TOO_LARGE');
    const many = await app.inject({
      method: 'POST',
      url: '/v1/mentions',
      headers: auth,
      payload: [1, 2, 3, 4].map((i) => post({ id: String(i) })),
    });
    expect(many.statusCode).toBe(413);
    expect(many.json().message).toContain('4 items');
    expect(
      await counter(registry, 'hark_collector_requests_rejected_total', {
        reason: 'payload_too_large',
      }),
    ).toBe(2);
  });

  it('tells a client that asks first (Expect: 100-continue) that its body is too large, before it sends it', async () => {
    const { app, registry } = build({ bodyLimitBytes: 2048 });
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const { port } = app.server.address() as { port: number };
      const ask = (length: number) =>
        new Promise<{ status: number; body: string; continued: boolean }>((resolve, reject) => {
          let continued = false;
          const req = httpRequest({
            host: '127.0.0.1',
            port,
            path: '/v1/mentions',
            method: 'POST',
            headers: {
              ...auth,
              'content-type': 'application/json',
              'content-length': String(length),
              expect: '100-continue',
            },
          });
          const body = JSON.stringify([post()]).padEnd(length, ' ');
          req.on('continue', () => {
            continued = true;
            req.end(body);
          });
          req.on('response', (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => {
              if (!req.writableEnded) req.destroy();
              resolve({ status: res.statusCode ?? 0, body: text, continued });
            });
          });
          req.on('error', reject);
        });
      const refused = await ask(10 * 1024 * 1024);
      expect(refused).toMatchObject({ status: 413, continued: false });
      expect(JSON.parse(refused.body).code).toBe('HARK_INGEST_PAYLOAD_TOO_LARGE');
      expect(
        await counter(registry, 'hark_collector_requests_rejected_total', {
          route: '/v1/mentions',
          reason: 'payload_too_large',
        }),
      ).toBe(1);
      // Within the limit the server says continue and handles the request as usual.
      const accepted = await ask(1024);
      expect(accepted.continued).toBe(true);
      expect(accepted.status).toBe(202);
    } finally {
      await app.close();
    }
  });

  it('rejects an oversize text as that item only', async () => {
    const { app } = build();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/mentions',
      headers: auth,
      payload: [post({ id: '1' }), post({ id: '2', text: `Acme ${'x'.repeat(600)}` })],
    });
    expect(res.statusCode).toBe(207);
    expect(res.json().errors[0]).toMatchObject({ index: 1, path: 'text', reason: 'text_too_long' });
  });

  it('takes native payloads with ?format= (an X API v2 response)', async () => {
    const { app, produced } = build();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/mentions?format=x',
      headers: auth,
      payload: fixture('x/search-recent.json'),
    });
    expect(res.statusCode).toBe(202);
    expect(res.json().items.map((i: { status: string }) => i.status)).toEqual([
      'accepted',
      'unmatched',
      'accepted',
      'accepted',
    ]);
    expect(produced('mentions').map((m) => m.value.brands)).toEqual([
      ['acme'],
      ['globex', 'initech'],
      ['acme'],
    ]);
  });

  it('takes RSS as XML with ?format=rss', async () => {
    const { app } = build();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/mentions?format=rss&platform=blog',
      headers: { ...auth, 'content-type': 'application/rss+xml' },
      payload: fixture('feeds/blog-rss.xml'),
    });
    expect(res.statusCode).toBe(202);
    expect(res.json().items[0]).toMatchObject({
      mentionId: 'blog:https://homenet.example.com/?p=4812',
      status: 'accepted',
    });
  });

  it('refuses an unknown format and a malformed X-Hark-Source', async () => {
    const { app } = build();
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/v1/mentions?format=myspace',
          headers: auth,
          payload: post(),
        })
      ).statusCode,
    ).toBe(400);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/mentions',
      headers: { ...auth, 'x-hark-source': 'webhook:x' },
      payload: post(),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('HARK_INGEST_BAD_REQUEST');
  });

  it('records replayed items with source kind replay and the file name', async () => {
    const { app, produced } = build();
    await app.inject({
      method: 'POST',
      url: '/v1/mentions',
      headers: { ...auth, 'x-hark-source': 'replay:backfill-2026-11.jsonl' },
      payload: post(),
    });
    expect(produced('mentions')[0]!.value.source).toEqual({
      kind: 'replay',
      name: 'backfill-2026-11.jsonl',
    });
  });

  it('while Kafka does not acknowledge, answers 503 with Retry-After and accepts nothing; then fails fast', async () => {
    const { app, fake, registry } = build();
    fake.set('hang');
    const res = await app.inject({
      method: 'POST',
      url: '/v1/mentions',
      headers: auth,
      payload: post(),
    });
    expect(res.statusCode).toBe(503);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(res.json()).toMatchObject({ code: 'HARK_KAFKA_UNAVAILABLE', statusCode: 503 });
    expect(res.json().items).toBeUndefined();
    const calls = fake.sendCalls;
    const again = await app.inject({
      method: 'POST',
      url: '/v1/mentions',
      headers: auth,
      payload: post(),
    });
    expect(again.statusCode).toBe(503);
    expect(Number(again.headers['retry-after'])).toBeGreaterThan(1);
    expect(fake.sendCalls).toBe(calls);
    expect(await counter(registry, 'hark_collector_accepted_total')).toBe(0);
    expect(
      await counter(registry, 'hark_collector_requests_rejected_total', {
        reason: 'kafka_unavailable',
      }),
    ).toBe(2);
  });
});

describe('POST /v1/signals', () => {
  it('accepts signals keyed brand:metric and refuses unknown brands per item', async () => {
    const { app, produced } = build();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/signals',
      headers: auth,
      payload: [
        {
          brand: 'acme',
          metric: 'followers',
          platform: 'x',
          value: 182340,
          observedAt: '2026-11-24T00:00:00Z',
        },
        { brand: 'initrode', metric: 'web_visits', value: 5, observedAt: '2026-11-24T00:00:00Z' },
      ],
    });
    expect(res.statusCode).toBe(207);
    expect(res.json()).toMatchObject({
      accepted: 1,
      rejected: 1,
      items: [{ index: 0, status: 'accepted' }],
      errors: [{ index: 1, path: 'brand', reason: 'unknown_brand' }],
    });
    expect(produced('signals')).toEqual([
      {
        key: 'acme:followers',
        value: expect.objectContaining({ aggregation: 'last', source: 'tests' }),
      },
    ]);
  });

  it('needs an API key too', async () => {
    const { app } = build();
    expect((await app.inject({ method: 'POST', url: '/v1/signals', payload: {} })).statusCode).toBe(
      401,
    );
  });
});

describe('webhooks', () => {
  const signed = (secret: string, body: string) => ({
    'content-type': 'application/json',
    'x-hub-signature-256': hubSignature(secret, body),
  });

  it('accepts a body signed with the source secret (X-Hub-Signature-256)', async () => {
    const { app, produced } = build();
    const body = JSON.stringify([post({ id: 'w1' })]);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/webhooks/partner',
      headers: signed('partner-secret', body),
      payload: body,
    });
    expect(res.statusCode).toBe(202);
    expect(produced('mentions')[0]!.value.source).toEqual({ kind: 'webhook', name: 'partner' });
  });

  it('accepts X Account Activity events signed with X-Twitter-Webhooks-Signature (base64)', async () => {
    const { app, produced } = build();
    const body = fixture('x/account-activity.json');
    const sig = `sha256=${createHmac('sha256', 'x-consumer-secret').update(body).digest('base64')}`;
    const res = await app.inject({
      method: 'POST',
      url: '/v1/webhooks/x',
      headers: { 'content-type': 'application/json', 'x-twitter-webhooks-signature': sig },
      payload: body,
    });
    expect(res.statusCode).toBe(202);
    expect(produced('mentions').map((m) => m.key)).toEqual(['x:1859912345678901234']);
  });

  it.each([
    ['no signature', {}],
    [
      'a signature made with another secret',
      { 'x-hub-signature-256': hubSignature('wrong', '[]') },
    ],
    [
      'a signature of another body',
      { 'x-hub-signature-256': hubSignature('partner-secret', '[]') },
    ],
    ['a truncated signature', { 'x-hub-signature-256': 'sha256=abc' }],
  ])('answers 401 to %s and produces nothing', async (_label, headers) => {
    const { app, fake, registry } = build();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/webhooks/partner',
      headers: { 'content-type': 'application/json', ...headers },
      payload: JSON.stringify([post()]),
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('HARK_WEBHOOK_SIGNATURE_INVALID');
    expect(fake.sendCalls).toBe(0);
    expect(
      await counter(registry, 'hark_collector_requests_rejected_total', {
        reason: 'bad_signature',
      }),
    ).toBe(1);
  });

  it('answers 404 for an unknown source', async () => {
    const { app } = build();
    const res = await app.inject({ method: 'POST', url: '/v1/webhooks/nope', payload: '{}' });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('HARK_WEBHOOK_UNKNOWN_SOURCE');
  });

  it('sends refused items to the dead-letter topic with their reason and answers 202', async () => {
    const { app, produced, registry } = build();
    const body = fixture('mastodon/tag-timeline.json');
    const res = await app.inject({
      method: 'POST',
      url: '/v1/webhooks/mastodon',
      headers: signed('mastodon-secret', body),
      payload: body,
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({
      accepted: 3,
      rejected: 1,
      errors: [{ index: 3, reason: 'not_public' }],
    });
    const [dead] = produced('dlq');
    expect(dead!.value).toMatchObject({
      stage: 'collector',
      sourceTopic: 'http',
      errorCode: 'HARK_INGEST_INVALID',
      errorMessage: expect.stringContaining('not_public'),
    });
    expect(JSON.parse(Buffer.from(dead!.value.value.data).toString()).visibility).toBe('private');
    expect(
      await counter(registry, 'hark_dlq_records_total', {
        stage: 'collector',
        code: 'HARK_INGEST_INVALID',
      }),
    ).toBe(1);
  });

  it('keeps a signed but unreadable body on the dead-letter topic and answers 400', async () => {
    const { app, produced, registry } = build();
    const body = '{"not": json';
    const res = await app.inject({
      method: 'POST',
      url: '/v1/webhooks/partner',
      headers: signed('partner-secret', body),
      payload: body,
    });
    expect(res.statusCode).toBe(400);
    expect(produced('dlq')[0]!.value).toMatchObject({ errorCode: 'HARK_INGEST_MALFORMED_BODY' });
    expect(
      await counter(registry, 'hark_dlq_records_total', { code: 'HARK_INGEST_MALFORMED_BODY' }),
    ).toBe(1);
  });

  it('tags items of a brand-dedicated source with that brand (review feed)', async () => {
    const { app, produced } = build();
    const body = fixture('feeds/reviews-rss.xml');
    const res = await app.inject({
      method: 'POST',
      url: '/v1/webhooks/reviews',
      headers: {
        'content-type': 'application/rss+xml',
        'x-hub-signature-256': hubSignature('feed-secret', body),
      },
      payload: body,
    });
    expect(res.statusCode).toBe(202);
    expect(produced('mentions').map((m) => [m.value.platform, m.value.brands])).toEqual([
      ['review', ['acme']],
      ['review', ['acme']],
    ]);
    expect(produced('dlq')).toHaveLength(1);
  });

  it('echoes hub.challenge when hub.verify_token matches, and refuses a wrong token', async () => {
    const { app } = build();
    const ok = await app.inject({
      method: 'GET',
      url: '/v1/webhooks/partner?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=verify-me',
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('1158201444');
    expect(ok.headers['content-type']).toMatch(/^text\/plain/);
    const bad = await app.inject({
      method: 'GET',
      url: '/v1/webhooks/partner?hub.mode=subscribe&hub.challenge=1&hub.verify_token=guess',
    });
    expect(bad.statusCode).toBe(403);
    const none = await app.inject({
      method: 'GET',
      url: '/v1/webhooks/mastodon?hub.mode=subscribe&hub.challenge=1&hub.verify_token=',
    });
    expect(none.statusCode).toBe(403);
  });

  it('answers the X CRC check with sha256=base64(HMAC(secret, crc_token))', async () => {
    const { app } = build();
    const res = await app.inject({ method: 'GET', url: '/v1/webhooks/x?crc_token=challenge-abc' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      response_token: `sha256=${createHmac('sha256', 'x-consumer-secret').update('challenge-abc').digest('base64')}`,
    });
  });
});

describe('webhook handshakes cannot sign deliveries (issue 15, defect 1)', () => {
  const xSigned = (token: string) =>
    createHmac('sha256', 'x-consumer-secret').update(token).digest('base64');

  it('regression: a crc_token on a source that is not X is refused, not signed', async () => {
    const { app } = build();
    for (const source of ['partner', 'mastodon', 'reviews']) {
      const res = await app.inject({
        method: 'GET',
        url: `/v1/webhooks/${source}?crc_token=M2RkODJkZmMtYjlkYi00NmQ4LTk0MGUtM2JjYzkwM2Q4MjQ0`,
      });
      expect(res.statusCode, source).toBe(400);
      expect(res.body).not.toContain('response_token');
    }
  });

  it('regression: a crc_token holding a whole delivery is refused (the forged tweet_delete_events)', async () => {
    const { app } = build();
    const delivery = JSON.stringify({
      for_user_id: '2244994945',
      tweet_delete_events: [
        { status: { id: '1601', user_id: '3001' }, timestamp_ms: '1700000000000' },
      ],
    });
    for (const token of [delivery, '12345678901234', 'a'.repeat(129), 'abc def ghi jkl', 'short']) {
      const res = await app.inject({
        method: 'GET',
        url: `/v1/webhooks/x?crc_token=${encodeURIComponent(token)}`,
      });
      expect(res.statusCode, token).toBe(400);
      expect(res.json().code).toBe('HARK_INGEST_BAD_REQUEST');
    }
  });

  it('regression: a CRC answer replayed as the signature of its token is not a delivery', async () => {
    const { app, fake } = build();
    const token = 'M2RkODJkZmMtYjlkYi00NmQ4LTk0MGUtM2JjYzkwM2Q4MjQ0';
    const crc = await app.inject({ method: 'GET', url: `/v1/webhooks/x?crc_token=${token}` });
    expect(crc.statusCode).toBe(200);
    const answer: string = crc.json().response_token;
    expect(answer).toBe(`sha256=${xSigned(token)}`);
    const hex = Buffer.from(answer.slice(7), 'base64').toString('hex');
    for (const headers of [
      { 'x-twitter-webhooks-signature': answer },
      { 'x-hub-signature-256': `sha256=${hex}` },
      { 'x-hub-signature': `sha256=${hex}` },
    ]) {
      for (const type of ['application/json', 'application/x-ndjson']) {
        const res = await app.inject({
          method: 'POST',
          url: '/v1/webhooks/x',
          headers: { ...headers, 'content-type': type },
          payload: token,
        });
        expect(res.statusCode).toBe(400);
        expect(res.json().code).toBe('HARK_INGEST_MALFORMED_BODY');
      }
    }
    expect(fake.records('dlq')).toEqual([]);
    expect(fake.records('compliance')).toEqual([]);
  });

  it('the X source answers no hub.* handshake', async () => {
    const { app } = build();
    const res = await app.inject({
      method: 'GET',
      url: '/v1/webhooks/x?hub.mode=subscribe&hub.challenge=abc&hub.topic=https://news.example.com/feed.xml',
    });
    expect(res.statusCode).toBe(400);
  });
});

describe('WebSub and Mastodon webhooks (issue 17)', () => {
  it('regression: a feed delivered by webhook is decoded with its HTTP charset (ISO-8859-1 was read as UTF-8 and refused)', async () => {
    const bytes = readFileSync(
      new URL('../corpus/feeds/xml/rss-parser-uolNoticias.rss', import.meta.url),
    );
    const { app, produced } = build();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/webhooks/reviews',
      headers: {
        'content-type': 'application/rss+xml; charset=ISO-8859-1',
        'x-hub-signature-256': `sha256=${createHmac('sha256', 'feed-secret').update(bytes).digest('hex')}`,
      },
      payload: bytes,
    });
    expect(res.statusCode).toBe(202);
    const titles = produced('mentions').map((m) => String(m.value.title));
    expect(titles[0]).toContain('simulações de 2º turno');
    expect(titles.some((t) => t.includes('\ufffd'))).toBe(false);
  });

  it("regression: Mastodon's X-Hub-Signature: sha256=<hex> is accepted, and WebSub's sha1", async () => {
    const body = fixture('mastodon/webhook-status-created.json');
    for (const algorithm of ['sha256', 'sha1', 'sha512']) {
      const { app, produced } = build();
      const res = await app.inject({
        method: 'POST',
        url: '/v1/webhooks/mastodon',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature': `${algorithm}=${createHmac(algorithm, 'mastodon-secret').update(body).digest('hex')}`,
        },
        payload: body,
      });
      expect(res.statusCode, algorithm).toBe(202);
      expect(produced('mentions').length).toBeGreaterThan(0);
    }
  });

  it.each([
    ['a wrong secret', `sha256=${createHmac('sha256', 'wrong').update('{}').digest('hex')}`],
    ['md5', `md5=${createHmac('md5', 'mastodon-secret').update('{}').digest('hex')}`],
    ['no method', createHmac('sha256', 'mastodon-secret').update('{}').digest('hex')],
    ['a short digest', 'sha256=abcdef'],
  ])('refuses X-Hub-Signature with %s: 401', async (_what, sig) => {
    const { app, fake } = build();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/webhooks/mastodon',
      headers: { 'content-type': 'application/json', 'x-hub-signature': sig },
      payload: '{}',
    });
    expect(res.statusCode).toBe(401);
    expect(fake.records('mentions')).toEqual([]);
  });

  it('regression: a WebSub verification without a verify token echoes the challenge for the subscribed topic', async () => {
    const { app } = build();
    const topic = encodeURIComponent('https://news.example.com/feed.xml');
    for (const mode of ['subscribe', 'unsubscribe']) {
      const res = await app.inject({
        method: 'GET',
        url: `/v1/webhooks/news?hub.mode=${mode}&hub.topic=${topic}&hub.challenge=a4d3e5f0-9c1b&hub.lease_seconds=864000`,
      });
      expect(res.statusCode, mode).toBe(200);
      expect(res.body).toBe('a4d3e5f0-9c1b');
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
    }
  });

  it.each([
    [
      'another topic',
      `hub.mode=subscribe&hub.topic=${encodeURIComponent('https://evil.example/feed')}&hub.challenge=c1`,
      403,
    ],
    ['no topic', 'hub.mode=subscribe&hub.challenge=c1', 403],
    [
      'no challenge',
      `hub.mode=subscribe&hub.topic=${encodeURIComponent('https://news.example.com/feed.xml')}`,
      400,
    ],
    [
      'a challenge with markup',
      `hub.mode=subscribe&hub.topic=${encodeURIComponent('https://news.example.com/feed.xml')}&hub.challenge=${encodeURIComponent('<script>x</script> y')}`,
      400,
    ],
    [
      'a bad lease',
      `hub.mode=subscribe&hub.topic=${encodeURIComponent('https://news.example.com/feed.xml')}&hub.challenge=c1&hub.lease_seconds=-5`,
      400,
    ],
    [
      'an unknown mode',
      `hub.mode=publish&hub.topic=${encodeURIComponent('https://news.example.com/feed.xml')}&hub.challenge=c1`,
      400,
    ],
  ])('refuses a verification with %s', async (_what, query, status) => {
    const { app } = build();
    const res = await app.inject({ method: 'GET', url: `/v1/webhooks/news?${query}` });
    expect(res.statusCode).toBe(status);
    expect(res.body).not.toContain('c1</');
  });

  it("acknowledges a hub's denial with 200 and no body", async () => {
    const { app } = build();
    const res = await app.inject({
      method: 'GET',
      url: `/v1/webhooks/news?hub.mode=denied&hub.topic=${encodeURIComponent('https://news.example.com/feed.xml')}&hub.reason=unauthorized`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
  });
});

describe('ids and auth schemes (issue 15, defects 6 and 10)', () => {
  it('regression: two ids that differ only in a lone surrogate are refused with 400 naming the field, not collapsed into one', async () => {
    const { app, fake } = build();
    for (const id of ['\\ud800', '\\udfff']) {
      // JSON escapes keep the lone surrogate as it is, as a client would send it.
      const body = JSON.stringify(post()).replace(/"id":"[^"]*"/, `"id":"1${id}"`);
      expect(body).toContain(`"id":"1${id}"`);
      const res = await app.inject({
        method: 'POST',
        url: '/v1/mentions',
        headers: { ...auth, 'content-type': 'application/json' },
        payload: body,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toContainEqual(
        expect.objectContaining({ path: 'id', reason: 'invalid_value' }),
      );
    }
    expect(fake.records('mentions')).toEqual([]);
  });

  it.each(['bearer', 'BEARER', 'BeArEr'])(
    'regression: the scheme %s is accepted (auth schemes are case-insensitive)',
    async (scheme) => {
      const { app } = build();
      const res = await app.inject({
        method: 'POST',
        url: '/v1/mentions',
        headers: { authorization: `${scheme} ${KEY}` },
        payload: post(),
      });
      expect(res.statusCode).toBe(202);
    },
  );

  it('still refuses another scheme with the right key', async () => {
    const { app } = build();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/mentions',
      headers: { authorization: `Basic ${KEY}` },
      payload: post(),
    });
    expect(res.statusCode).toBe(401);
  });
});

describe('unknown routes', () => {
  it('answer 404 in the collector error shape, without asking for a key', async () => {
    const { app } = build();
    const res = await app.inject({ method: 'GET', url: '/v2/everything?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      code: 'HARK_INGEST_BAD_REQUEST',
      message: 'no route GET /v2/everything',
      statusCode: 404,
    });
  });
});

describe('GET /openapi.json', () => {
  it('serves the OpenAPI document without a key, describing every route', async () => {
    const { app } = build();
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/openapi.json',
      '/v1/compliance',
      '/v1/mentions',
      '/v1/signals',
      '/v1/webhooks/{source}',
    ]);
    expect(Object.keys(doc.paths['/v1/mentions'].post.responses)).toEqual([
      '202',
      '207',
      '400',
      '401',
      '413',
      '415',
      '503',
    ]);
    expect(undocumentedOperations(doc)).toEqual([]);
    expect(routesMissingFromDocument(app, doc)).toEqual([]);
    for (const path of ['/v1/mentions', '/v1/compliance', '/v1/signals'])
      expect(doc.paths[path].post.security, path).toEqual([{ bearerKey: [] }]);
    expect(doc.paths['/v1/webhooks/{source}'].post.security).toBeUndefined();
    expect(doc.components.securitySchemes.bearerKey).toMatchObject({ scheme: 'bearer' });
    // Every documented operation is a real route.
    for (const [path, ops] of Object.entries(
      doc.paths as Record<string, Record<string, unknown>>,
    )) {
      for (const method of Object.keys(ops).filter((k) => ['get', 'post'].includes(k))) {
        expect(
          app.hasRoute({
            method: method.toUpperCase() as 'GET' | 'POST',
            url: path.replace(/\{(\w+)\}/g, ':$1'),
          }),
          `${method} ${path}`,
        ).toBe(true);
      }
    }
  });
});

describe('POST /v1/compliance', () => {
  const del = (over: Record<string, unknown> = {}) => ({
    kind: 'post_deleted',
    platform: 'x',
    postId: '100',
    authorId: 'u1',
    occurredAt: '2026-11-20T10:00:00Z',
    ...over,
  });

  it('needs an API key like /v1/mentions', async () => {
    const { app } = build();
    const res = await app.inject({ method: 'POST', url: '/v1/compliance', payload: del() });
    expect(res.statusCode).toBe(401);
  });

  it('accepts one event with 202 after the broker acknowledged, keyed platform:postId, ids only', async () => {
    const { app, produced } = build();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/compliance',
      headers: auth,
      payload: del(),
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({
      received: 1,
      accepted: 1,
      rejected: 0,
      items: [
        { index: 0, eventId: 'post_deleted:x:100', kind: 'post_deleted', status: 'accepted' },
      ],
    });
    const [c] = produced('compliance');
    expect(c!.key).toBe('x:100');
    expect(c!.value).toMatchObject({
      eventId: 'post_deleted:x:100',
      kind: 'post_deleted',
      mentionId: 'x:100',
      authorId: 'u1',
      occurredAt: Date.parse('2026-11-20T10:00:00Z'),
      source: 'http:tests',
    });
  });

  it('answers 207 with per-item errors for an array with a bad item, producing the good ones', async () => {
    const { app, produced } = build();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/compliance',
      headers: auth,
      payload: [del(), { kind: 'account_deleted', platform: 'x' }, del({ postId: '101' })],
    });
    expect(res.statusCode).toBe(207);
    expect(res.json().errors).toEqual([
      expect.objectContaining({ index: 1, path: 'authorId', reason: 'missing_field' }),
    ]);
    expect(produced('compliance').map((c) => c.key)).toEqual(['x:100', 'x:101']);
  });

  it('answers 400 when no item is valid and produces nothing', async () => {
    const { app, produced } = build();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/compliance',
      headers: auth,
      payload: [{ kind: 'erasure', platform: 'x', authorId: '1' }],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ path: 'kind', reason: 'invalid_value' });
    expect(produced('compliance')).toEqual([]);
  });

  it('takes NDJSON', async () => {
    const { app, produced } = build();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/compliance',
      headers: { ...auth, 'content-type': 'application/x-ndjson' },
      payload: `${JSON.stringify(del())}\n${JSON.stringify(del({ kind: 'post_edited', revision: 7 }))}\n`,
    });
    expect(res.statusCode).toBe(202);
    expect(produced('compliance').map((c) => c.value.eventId)).toEqual([
      'post_deleted:x:100',
      'post_edited:x:100:7',
    ]);
  });

  it('relays a native payload with ?format=mastodon: an Update re-sends the post and emits post_edited', async () => {
    const { app, produced } = build();
    const actor = 'https://social.example/users/jane';
    const res = await app.inject({
      method: 'POST',
      url: '/v1/compliance?format=mastodon',
      headers: { ...auth, 'content-type': 'application/activity+json' },
      payload: {
        type: 'Update',
        actor,
        object: {
          id: `${actor}/statuses/1`,
          type: 'Note',
          attributedTo: actor,
          content: '<p>Acme fixed my router</p>',
          published: new Date(Date.now() - 3_600_000).toISOString(),
          updated: new Date(Date.now() - 60_000).toISOString(),
        },
      },
    });
    expect(res.statusCode).toBe(202);
    const [m] = produced('mentions');
    expect(m!.value.revision).toBeGreaterThan(0);
    const [c] = produced('compliance');
    expect(c!.value).toMatchObject({ kind: 'post_edited', revision: m!.value.revision });
  });

  it('when no item was valid, the 400 message counts and names the problems wherever they are listed', async () => {
    // Issue 17: a real direct (non-public) Mastodon status relayed for compliance was answered
    // "no item was valid: 0 problem(s)" while its reason sat under mentions.errors.
    const status = (
      JSON.parse(
        readFileSync(
          new URL('../corpus/mastodon/mastodonpy-direct-117020593780198542.json', import.meta.url),
          'utf8',
        ),
      ) as { payload: unknown }
    ).payload;
    const { app, produced } = build();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/compliance?format=mastodon',
      headers: auth,
      payload: status as Record<string, unknown>,
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.mentions.errors).toEqual([expect.objectContaining({ reason: 'not_public' })]);
    expect(body.message).toMatch(
      /^no item was valid: 1 problem\(s\), listed in mentions\.errors; the first: visibility: status visibility is "direct"/,
    );
    expect(produced('compliance')).toEqual([]);
  });

  it('answers 503 while Kafka does not acknowledge', async () => {
    const { app, fake } = build();
    fake.set('hang');
    const res = await app.inject({
      method: 'POST',
      url: '/v1/compliance',
      headers: auth,
      payload: del(),
    });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'HARK_KAFKA_UNAVAILABLE' });
  });
});

describe('webhook compliance events', () => {
  const signedX = (body: string) => ({
    'content-type': 'application/json',
    'x-twitter-webhooks-signature': `sha256=${createHmac('sha256', 'x-consumer-secret').update(body).digest('base64')}`,
  });

  it('an X Account Activity tweet_delete_events delivery becomes post_deleted on compliance', async () => {
    const { app, produced } = build();
    const body = JSON.stringify({
      for_user_id: '783214',
      tweet_delete_events: [
        {
          status: { id: '601430178305220608', user_id: '3198576760' },
          timestamp_ms: '1763820000000',
        },
      ],
    });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/webhooks/x',
      headers: signedX(body),
      payload: body,
    });
    expect(res.statusCode).toBe(202);
    expect(res.json().compliance).toMatchObject({ accepted: 1 });
    expect(produced('compliance')).toEqual([
      {
        key: 'x:601430178305220608',
        value: expect.objectContaining({
          kind: 'post_deleted',
          authorId: '3198576760',
          source: 'webhook:x',
        }),
      },
    ]);
    expect(produced('mentions')).toEqual([]);
  });

  it('a bad signed compliance item goes to the dead-letter topic with the reason', async () => {
    const { app, produced } = build();
    const body = JSON.stringify({
      for_user_id: '1',
      tweet_delete_events: [{ status: {}, timestamp_ms: '1763820000000' }],
    });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/webhooks/x',
      headers: signedX(body),
      payload: body,
    });
    expect(res.statusCode).toBe(202);
    expect(produced('dlq')).toHaveLength(1);
    expect(produced('compliance')).toEqual([]);
  });
});
