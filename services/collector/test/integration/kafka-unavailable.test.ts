import { createKafka } from '@hark/kafka';
import { createTestTopics, startPrivateBroker, waitFor, type PrivateBroker } from '@hark/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, logger, post, startCollector, type Harness } from './harness.ts';

const PRODUCE_TIMEOUT_MS = 3000;
const CIRCUIT_OPEN_MS = 3000;
// The test's own bound: far above the collector's, so a hang fails the test instead of stalling it.
const REQUEST_BOUND_MS = PRODUCE_TIMEOUT_MS + 15_000;

let broker: PrivateBroker;
let h: Harness;

beforeAll(async () => {
  broker = await startPrivateBroker();
  const kafka = createKafka({ clientId: 'private-admin', brokers: broker.brokers, logger });
  const created = await createTestTopics(kafka, [
    { prefix: 'mentions' },
    { prefix: 'signals' },
    { prefix: 'dlq' },
  ]);
  h = await startCollector({
    brokers: broker.brokers,
    topics: { mentions: created.names[0]!, signals: created.names[1]!, dlq: created.names[2]! },
    kafkaTimeouts: { produceTimeoutMs: PRODUCE_TIMEOUT_MS, circuitOpenMs: CIRCUIT_OPEN_MS },
  });
}, 180_000);

afterAll(async () => {
  await h?.close().catch(() => {});
  await broker?.dispose();
}, 60_000);

const mention = (id: string) => ({
  platform: 'x',
  id,
  author: { id: 'u' },
  text: `Acme outage ${id}`,
  createdAt: '2026-11-20T09:30:00Z',
});

async function ingest(id: string): Promise<Response> {
  return fetch(`${h.url}/v1/mentions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(mention(id)),
    signal: AbortSignal.timeout(REQUEST_BOUND_MS),
  });
}

describe('while Kafka is unreachable', () => {
  it('answers 503 with Retry-After instead of hanging, fails fast while it is known down, acknowledges only what was written, and recovers', async () => {
    const acknowledged: string[] = [];
    const before = await ingest('1');
    expect(before.status).toBe(202);
    acknowledged.push('x:1');

    await broker.kill();

    const down = await ingest('2');
    expect(down.status).toBe(503);
    expect(Number(down.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await down.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ code: 'HARK_KAFKA_UNAVAILABLE', statusCode: 503 });
    expect(body.items).toBeUndefined();

    // Known down now: the next request is refused without waiting on the broker again.
    const fast = await ingest('3');
    expect(fast.status).toBe(503);
    expect(Number(fast.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const metrics = await h.metrics.metrics();
    expect(metrics).toMatch(/hark_collector_kafka_circuit_open \d/);
    expect(metrics).toMatch(
      /hark_collector_requests_rejected_total\{route="\/v1\/mentions",reason="kafka_unavailable"\} 2/,
    );
    expect(h.collector.publisher.circuitState()).not.toBe('closed');

    await broker.restart();
    // A client honouring Retry-After gets through once the broker is back.
    await waitFor(
      async () => {
        const res = await ingest('4');
        if (res.status === 202) return true;
        await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
        return false;
      },
      { timeoutMs: 90_000, intervalMs: 100, what: 'a 202 after the broker restarted' },
    );
    acknowledged.push('x:4');

    const written = new Set((await h.mentions(acknowledged.length)).map((m) => m.key));
    for (const id of acknowledged) expect(written).toContain(id);
  }, 240_000);
});

describe('when Kafka was never reachable', () => {
  it('the collector still starts and answers 503 within its send timeout', async () => {
    const closed = await startCollector({
      brokers: ['127.0.0.1:1'],
      topics: { mentions: 'never.mentions', signals: 'never.signals', dlq: 'never.dlq' },
      kafkaTimeouts: { produceTimeoutMs: 1500, circuitOpenMs: 5000 },
    });
    try {
      const res = await post(closed.url, '/v1/mentions', mention('9'), {});
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(closed.collector.publisher.isConnected()).toBe(false);
    } finally {
      await closed.close().catch(() => {});
    }
  }, 60_000);
});
