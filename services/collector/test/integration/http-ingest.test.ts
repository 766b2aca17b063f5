import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashEmail } from '@hark/privacy';
import { post, startCollector, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startCollector();
});
afterAll(async () => {
  await h?.close();
});

const item = (id: string, text: string, over: Record<string, unknown> = {}) => ({
  platform: 'x',
  id,
  url: `https://x.com/jdoe/status/${id}`,
  author: {
    id: '2244994945',
    handle: 'jdoe',
    name: 'Jane Doe',
    followers: 1520,
    location: 'Lyon',
    email: 'Jane@Example.com',
  },
  text,
  lang: 'en',
  createdAt: '2026-11-20T09:30:00Z',
  engagement: { likes: 12, shares: 3, replies: 2, views: 840 },
  ...over,
});

describe('HTTP ingest against the real broker and registry', () => {
  it('a JSON batch is acknowledged with 207 and the matched items are Avro Mentions keyed by mentionId', async () => {
    const res = await post(h.url, '/v1/mentions', [
      item('9001', 'My #AcmeFiber box died again @AcmeSupport'),
      item('9002', 'no brand here at all'),
      item('9003', 'Globex One or Initech Home?', { kind: 'reply', parentId: '9001' }),
      item('9004', 'bad one', { createdAt: '2026-11-20' }),
    ]);
    expect(res.status).toBe(207);
    const body = (await res.json()) as {
      accepted: number;
      unmatched: number;
      rejected: number;
      items: unknown[];
      errors: unknown[];
    };
    expect(body).toMatchObject({ accepted: 2, unmatched: 1, rejected: 1 });

    const records = await h.mentions(2);
    const byKey = new Map(records.map((r) => [r.key, r.value]));
    expect([...byKey.keys()].sort()).toEqual(['x:9001', 'x:9003']);
    expect(byKey.get('x:9001')).toMatchObject({
      mentionId: 'x:9001',
      platform: 'x',
      postId: '9001',
      // Minimisation: the address is stored as its hash (PRIVACY_HASH_EMAILS).
      author: { handle: 'jdoe', followers: 1520, email: hashEmail('jane@example.com') },
      brands: ['acme'],
      keywords: ['#acmefiber', '@acmesupport'],
      createdAt: Date.UTC(2026, 10, 20, 9, 30),
      engagement: { likes: 12, shares: 3, replies: 2, views: 840 },
      source: { kind: 'http', name: 'it' },
    });
    expect(byKey.get('x:9003')).toMatchObject({
      kind: 'reply',
      parentId: 'x:9001',
      brands: ['globex', 'initech'],
    });
    expect(byKey.get('x:9001')!.collectedAt).toBeGreaterThan(Date.UTC(2026, 0, 1));
  });

  it('NDJSON with a malformed line: the good lines are produced, the bad one is reported by line', async () => {
    const lines = [
      JSON.stringify(item('9101', 'Acme outage')),
      '{ not json',
      JSON.stringify(item('9102', 'Umbrella Mobile roaming')),
    ];
    const res = await post(h.url, '/v1/mentions', lines.join('\n'), {
      'content-type': 'application/x-ndjson',
    });
    expect(res.status).toBe(207);
    const body = (await res.json()) as {
      errors: { index: number; line: number; reason: string }[];
    };
    expect(body.errors).toEqual([
      expect.objectContaining({ index: 1, line: 2, reason: 'malformed_json' }),
    ]);
    const keys = (await h.mentions(4)).map((r) => r.key);
    expect(keys).toEqual(expect.arrayContaining(['x:9101', 'x:9102']));
  });

  it('signals are produced as BrandSignal keyed brand:metric', async () => {
    const res = await post(h.url, '/v1/signals', {
      brand: 'acme',
      metric: 'web_visits',
      platform: 'web',
      value: 5120,
      observedAt: '2026-11-23T00:00:00Z',
      source: 'ga4',
    });
    expect(res.status).toBe(202);
    const [signal] = await h.signals(1);
    expect(signal).toEqual({
      key: 'acme:web_visits',
      value: expect.objectContaining({
        signalId: `acme:web:web_visits:${Date.UTC(2026, 10, 23)}`,
        value: 5120,
        aggregation: 'sum',
        source: 'ga4',
      }),
    });
  });

  it('metrics count what happened', async () => {
    const text = await (await fetch(`${h.url}/openapi.json`)).json();
    expect(text).toHaveProperty('paths');
    const metrics = await h.metrics.metrics();
    expect(metrics).toMatch(/hark_collector_accepted_total\{source="http",type="mention"\} 4/);
    expect(metrics).toMatch(/hark_collector_unmatched_total\{source="http"\} 1/);
    expect(metrics).toMatch(
      /hark_collector_rejected_total\{source="http",type="mention",reason="invalid_timestamp"\} 1/,
    );
    expect(metrics).toMatch(/hark_collector_produce_duration_seconds_count\{outcome="ok"\} \d+/);
    expect(metrics).toMatch(
      /hark_http_request_duration_seconds_count\{method="POST",route="\/v1\/mentions",status_code="207"\} [1-9]/,
    );
    expect(metrics).toMatch(
      /hark_http_request_duration_seconds_count\{method="GET",route="\/openapi.json",status_code="200"\} 1/,
    );
  });
});
