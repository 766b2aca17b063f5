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

function setup(fail?: Error) {
  const sent: ProducerBatch[] = [];
  const producer = {
    async sendBatch(b: ProducerBatch) {
      if (fail) throw fail;
      sent.push(b);
      return [];
    },
  } as unknown as Producer;
  const registry = new Registry();
  const metrics = stageMetrics(registry);
  const step = createProduceStep({
    stage: 'test',
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
    expect(out.topicMessages.map((t) => [t.topic, t.messages.length])).toEqual([
      ['a', 2],
      ['b', 1],
      ['dlq', 1],
    ]);
    expect(out.topicMessages[0]!.messages[0], 'no copy per record').toBe(outputs[0]);
    expect(out.topicMessages[2]!.messages[0]).toEqual({
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

  it('nothing to send, no request', async () => {
    const { step, sent } = setup();
    await step.send(step.build([], []));
    expect(sent).toEqual([]);
  });
});
