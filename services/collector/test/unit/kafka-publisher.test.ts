import { isHarkError } from '@hark/errors';
import { describe, expect, it } from 'vitest';
import { createKafkaPublisher } from '../../src/adapters/kafka-publisher.ts';
import { counter, fakeProducer, silentLogger, testMetrics } from './helpers.ts';

const record = (key: string, bytes = 10) => ({ topic: 't', key, value: Buffer.alloc(bytes) });

function setup(
  opts: {
    sendTimeoutMs?: number;
    circuitOpenMs?: number;
    maxRequestBytes?: number;
    now?: () => number;
  } = {},
) {
  const fake = fakeProducer();
  const { registry, metrics } = testMetrics();
  const publisher = createKafkaPublisher({
    producer: fake.producer,
    logger: silentLogger,
    metrics,
    sendTimeoutMs: opts.sendTimeoutMs ?? 200,
    circuitOpenMs: opts.circuitOpenMs ?? 10_000,
    maxRequestBytes: opts.maxRequestBytes,
    now: opts.now,
  });
  return { fake, registry, publisher };
}

async function rejection(p: Promise<unknown>) {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('Kafka publisher', () => {
  it('resolves once the broker acknowledged, with acks=all', async () => {
    const { fake, publisher } = setup();
    await publisher.publish([record('a'), record('b')]);
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]!.acks).toBe(-1);
    expect(fake.records().map((m) => m.key)).toEqual(['a', 'b']);
  });

  it('coalesces publishes that arrive while a request is in flight into the next request', async () => {
    const { fake, publisher } = setup({ sendTimeoutMs: 2000 });
    fake.hold();
    const first = publisher.publish([record('a')]);
    await new Promise((r) => setImmediate(r));
    const rest = [
      publisher.publish([record('b')]),
      publisher.publish([record('c')]),
      publisher.publish([record('d')]),
    ];
    fake.release();
    await Promise.all([first, ...rest]);
    expect(fake.sent.map((b) => b.topicMessages![0]!.messages.map((m) => m.key))).toEqual([
      ['a'],
      ['b', 'c', 'd'],
    ]);
  });

  it('splits a large publish into requests under the byte limit and resolves after the last one', async () => {
    const { fake, publisher } = setup({ maxRequestBytes: 250 });
    await publisher.publish(Array.from({ length: 5 }, (_, i) => record(String(i), 100)));
    expect(fake.sent.length).toBeGreaterThanOrEqual(3);
    expect(fake.records()).toHaveLength(5);
  });

  it('when the broker never answers, it rejects as unavailable within the send timeout', async () => {
    const { fake, publisher } = setup({ sendTimeoutMs: 150 });
    fake.set('hang');
    const err = await rejection(publisher.publish([record('a')]));
    expect(isHarkError(err) && err.code).toBe('HARK_KAFKA_UNAVAILABLE');
    expect(isHarkError(err) && err.retriable).toBe(true);
    expect(isHarkError(err) && (err.context.retryAfterMs as number)).toBeGreaterThanOrEqual(1000);
  });

  it('after a failure it fails fast without calling the broker until the circuit window passes', async () => {
    let t = 1_000_000;
    const { fake, publisher, registry } = setup({ circuitOpenMs: 5000, now: () => t });
    fake.set('fail');
    await rejection(publisher.publish([record('a')]));
    expect(publisher.circuitState()).toBe('open');
    expect(await counter(registry, 'hark_collector_kafka_circuit_open')).toBe(1);
    const calls = fake.sendCalls;
    const fast = await rejection(publisher.publish([record('b')]));
    expect(fake.sendCalls).toBe(calls);
    expect(isHarkError(fast) && fast.context.retryAfterMs).toBe(5000);

    t += 5000;
    fake.set('ok');
    await publisher.publish([record('c')]);
    expect(publisher.circuitState()).toBe('closed');
    expect(await counter(registry, 'hark_collector_kafka_circuit_open')).toBe(0);
    expect(fake.records().map((m) => m.key)).toEqual(['c']);
  });

  it('a failed probe re-opens the circuit', async () => {
    let t = 0;
    const { fake, publisher } = setup({ circuitOpenMs: 1000, now: () => t });
    fake.set('fail');
    await rejection(publisher.publish([record('a')]));
    t += 1000;
    expect(publisher.circuitState()).toBe('half_open');
    await rejection(publisher.publish([record('b')]));
    expect(publisher.circuitState()).toBe('open');
  });

  it('when the broker cannot be reached at start, start() returns and publishes retry the connection', async () => {
    const { fake, publisher } = setup({ sendTimeoutMs: 100, circuitOpenMs: 0 });
    fake.setConnect('fail');
    await publisher.start();
    expect(publisher.isConnected()).toBe(false);
    await rejection(publisher.publish([record('a')]));
    fake.setConnect('ok');
    await publisher.publish([record('b')]);
    expect(publisher.isConnected()).toBe(true);
  });

  it('publishing nothing resolves without a request, and close disconnects', async () => {
    const { fake, publisher } = setup();
    await publisher.publish([]);
    expect(fake.sendCalls).toBe(0);
    await publisher.close();
    const err = await rejection(publisher.publish([record('a')]));
    expect(isHarkError(err) && err.code).toBe('HARK_KAFKA_UNAVAILABLE');
  });
});
