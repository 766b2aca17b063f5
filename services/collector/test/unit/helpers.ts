import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { ProducerBatch, RecordMetadata } from 'kafkajs';
import { createCollectorMetrics } from '../../src/adapters/collector-metrics.ts';
import type { ProducerLike } from '../../src/adapters/kafka-publisher.ts';

export const silentLogger = pino({ level: 'silent' });

export function testMetrics() {
  const registry = new Registry();
  return { registry, metrics: createCollectorMetrics(registry) };
}

/** Reads one counter's value for some labels from the registry. */
export async function counter(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  return (metric?.values ?? [])
    .filter((v) =>
      Object.entries(labels).every(
        ([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want,
      ),
    )
    .reduce((sum, v) => sum + v.value, 0);
}

type SendBehaviour = 'ok' | 'fail' | 'hang';

/** A producer whose sends succeed, fail or hang on demand, recording what was sent. */
export function fakeProducer() {
  const sent: ProducerBatch[] = [];
  let behaviour: SendBehaviour = 'ok';
  let connectBehaviour: SendBehaviour = 'ok';
  let sendCalls = 0;
  let gate: (() => void) | undefined;
  const producer: ProducerLike = {
    async connect() {
      if (connectBehaviour === 'fail') throw new Error('ECONNREFUSED');
      if (connectBehaviour === 'hang') await new Promise(() => {});
    },
    async disconnect() {},
    async sendBatch(batch): Promise<RecordMetadata[]> {
      sendCalls++;
      if (behaviour === 'fail')
        throw Object.assign(new Error('Connection error: connect ECONNREFUSED'), {
          name: 'KafkaJSConnectionError',
        });
      if (behaviour === 'hang') await new Promise(() => {});
      if (gate) await new Promise<void>((resolve) => (gate = resolve));
      sent.push(batch);
      return [];
    },
  };
  return {
    producer,
    sent,
    get sendCalls() {
      return sendCalls;
    },
    set(b: SendBehaviour) {
      behaviour = b;
    },
    setConnect(b: SendBehaviour) {
      connectBehaviour = b;
    },
    /** Holds the next sends until release() is called. */
    hold() {
      gate = () => {};
    },
    release() {
      const g = gate;
      gate = undefined;
      g?.();
    },
    records(topic?: string) {
      return sent.flatMap((b) =>
        b.topicMessages!.filter((t) => !topic || t.topic === topic).flatMap((t) => t.messages),
      );
    },
  };
}
