import type { DeadLetter } from '@hark/events';
import { createLogger } from '@hark/observability';
import type { Producer, ProducerBatch } from 'kafkajs';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createProduceStep } from '../../src/produce.ts';
import { stageMetrics } from '../../src/stage-metrics.ts';
import type { OutputRecord } from '../../src/stage-types.ts';

const letter = (code: DeadLetter['errorCode']): DeadLetter => ({
  stage: 'test',
  sourceTopic: 'in',
  sourcePartition: 0,
  sourceOffset: 4,
  key: Buffer.from('k'),
  value: Buffer.from('bytes'),
  headers: {},
  errorCode: code,
  errorMessage: 'why',
  attempts: 1,
  failedAt: 0,
});

function setup(fail?: Error, opts: { maxRequestBytes?: number; failAt?: number } = {}) {
  const sent: ProducerBatch[] = [];
  let calls = 0;
  const producer = {
    async sendBatch(b: ProducerBatch) {
      if (fail && (opts.failAt === undefined || calls++ === opts.failAt)) throw fail;
      sent.push(b);
      return [];
    },
  } as unknown as Producer;
  const registry = new Registry();
  const metrics = stageMetrics(registry);
  const step = createProduceStep({
    stage: 'test',
    maxRequestBytes: opts.maxRequestBytes,
    producer,
    dlq: {
      topic: 'dlq',
      schemaId: 1,
      subject: 'dlq-value',
      encode: (d) => Buffer.from(`dlq:${d.errorCode}`),
    },
    metrics,
    log: createLogger({ service: 'produce-test', level: 'silent' }),
  });
  return { step, sent, registry };
}

const outputs: OutputRecord[] = [
  { topic: 'a', key: '1', value: Buffer.from('x') },
  { topic: 'b', key: '2', value: null },
  { topic: 'a', key: '3', value: Buffer.from('y'), headers: { h: 'v' } },
];

async function counter(registry: Registry, name: string) {
  return (await registry.getSingleMetric(name)!.get()).values.map((v) => [v.labels, v.value]);
}

describe('the produce step', () => {
  it('groups by topic in first-seen order, passes output records as they are, encodes dead letters to the dlq topic', () => {
    const { step } = setup();
    const out = step.build(outputs, [letter('HARK_SERDE_NOT_FRAMED')]);
    expect(out.requests).toHaveLength(1);
    const [request] = out.requests;
    expect(request!.map((t) => [t.topic, t.messages.length])).toEqual([
      ['a', 2],
      ['b', 1],
      ['dlq', 1],
    ]);
    expect(request![0]!.messages[0], 'no copy per record').toBe(outputs[0]);
    expect(request![2]!.messages[0]).toEqual({
      key: Buffer.from('k'),
      value: Buffer.from('dlq:HARK_SERDE_NOT_FRAMED'),
    });
  });

  it('sends with acks=all and counts outputs and dead letters only once Kafka acknowledged', async () => {
    const { step, sent, registry } = setup();
    await step.send(step.build(outputs, [letter('HARK_STAGE_PROCESSING_FAILED')]));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ acks: -1 });
    expect(await counter(registry, 'hark_stage_records_out_total')).toEqual([
      [{ stage: 'test', topic: 'a' }, 2],
      [{ stage: 'test', topic: 'b' }, 1],
      [{ stage: 'test', topic: 'dlq' }, 1],
    ]);
    expect(await counter(registry, 'hark_dlq_records_total')).toEqual([
      [{ stage: 'test', code: 'HARK_STAGE_PROCESSING_FAILED' }, 1],
    ]);
  });

  it('when Kafka does not acknowledge, it throws the retriable HARK_KAFKA_UNAVAILABLE and counts nothing', async () => {
    const { step, registry } = setup(new Error('Request timed out'));
    const err = await step.send(step.build(outputs, [])).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'HARK_KAFKA_UNAVAILABLE',
      retriable: true,
      message: 'produce failed: Request timed out',
    });
    expect(await counter(registry, 'hark_stage_records_out_total')).toEqual([]);
  });

  // Kafka refuses a partition's batch over max.message.bytes (MESSAGE_TOO_LARGE), and kafkajs
  // sends a request's records for a partition as one batch.
  const big = (topic: string, key: string, bytes: number): OutputRecord => ({
    topic,
    key,
    value: Buffer.alloc(bytes, 1),
  });

  it('splits outputs over the byte limit into requests in order, each within the limit unless one record alone is larger', () => {
    const { step } = setup(undefined, { maxRequestBytes: 1000 });
    // 32 bytes of framing per record, plus key and value.
    const out = step.build(
      [
        big('a', '1', 400),
        big('b', '2', 400),
        big('a', '3', 400),
        big('a', '4', 2000),
        big('b', '5', 10),
      ],
      [],
    );
    expect(out.requests.map((r) => r.map((t) => [t.topic, t.messages.map((m) => m.key)]))).toEqual([
      [
        ['a', ['1']],
        ['b', ['2']],
      ],
      [['a', ['3']]],
      [['a', ['4']]],
      [['b', ['5']]],
    ]);
  });

  it('counts header bytes toward the limit', () => {
    const { step } = setup(undefined, { maxRequestBytes: 200 });
    const headers = { trace: 'x'.repeat(100) };
    const out = step.build(
      [
        { ...big('a', '1', 10), headers },
        { ...big('a', '2', 10), headers },
      ],
      [],
    );
    expect(out.requests).toHaveLength(2);
  });

  it('sends split requests one after the other and, after a failure, resumes at the first one not acknowledged', async () => {
    const { step, sent, registry } = setup(new Error('Request timed out'), {
      maxRequestBytes: 1000,
      failAt: 1,
    });
    const out = step.build(
      [big('a', '1', 600), big('a', '2', 600), big('a', '3', 600)],
      [letter('HARK_SERDE_NOT_FRAMED')],
    );
    expect(out.requests).toHaveLength(3);
    await expect(step.send(out)).rejects.toMatchObject({ code: 'HARK_KAFKA_UNAVAILABLE' });
    expect(sent.map((b) => b.topicMessages![0]!.messages[0]!.key)).toEqual(['1']);
    expect(await counter(registry, 'hark_dlq_records_total')).toEqual([]);
    await step.send(out);
    expect(sent.map((b) => b.topicMessages!.map((t) => t.messages[0]!.key))).toEqual([
      ['1'],
      ['2'],
      ['3', Buffer.from('k')],
    ]);
    expect(await counter(registry, 'hark_stage_records_out_total')).toEqual([
      [{ stage: 'test', topic: 'a' }, 3],
      [{ stage: 'test', topic: 'dlq' }, 1],
    ]);
    expect(await counter(registry, 'hark_dlq_records_total')).toEqual([
      [{ stage: 'test', code: 'HARK_SERDE_NOT_FRAMED' }, 1],
    ]);
  });

  it('nothing to send, no request', async () => {
    const { step, sent } = setup();
    await step.send(step.build([], []));
    expect(sent).toEqual([]);
  });
});
