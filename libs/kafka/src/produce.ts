import { HarkError } from '@hark/errors';
import type { DeadLetter } from '@hark/events';
import type { Message, Producer, TopicMessages } from 'kafkajs';
import type { Logger } from 'pino';
import type { Encoder } from './avro-serde.ts';
import type { StageMetrics } from './stage-metrics.ts';
import type { OutputRecord } from './stage-types.ts';

/** A unit's outputs and dead letters, encoded and grouped by topic: sent as one request. */
export interface Outgoing {
  topicMessages: TopicMessages[];
  dead: readonly DeadLetter[];
}

export interface ProduceStep {
  /** Encodes the dead letters and groups everything by topic, once per unit of work. */
  build(outputs: readonly OutputRecord[], dead: readonly DeadLetter[]): Outgoing;
  /**
   * Sends with acks=all and counts what Kafka acknowledged. A failure throws the retriable
   * `HARK_KAFKA_UNAVAILABLE`; sending the same `Outgoing` again is the retry.
   */
  send(outgoing: Outgoing): Promise<void>;
}

/**
 * The produce step. An `OutputRecord` already has the shape of a kafkajs message, so it is
 * passed as it is (the extra `topic` field is ignored): no copy per record.
 */
export function createProduceStep(deps: {
  stage: string;
  producer: Producer;
  dlq: Encoder<DeadLetter> & { topic: string };
  metrics: Pick<StageMetrics, 'recordsOut' | 'deadLetters'>;
  log: Logger;
}): ProduceStep {
  const { stage } = deps;
  return {
    build(outputs, dead) {
      const byTopic = new Map<string, Message[]>();
      const add = (topic: string, message: Message) => {
        const list = byTopic.get(topic);
        if (list) list.push(message);
        else byTopic.set(topic, [message]);
      };
      for (const o of outputs) add(o.topic, o);
      for (const d of dead) {
        add(deps.dlq.topic, { key: d.key, value: deps.dlq.encode(d) });
        deps.log.warn(
          {
            topic: d.sourceTopic,
            partition: d.sourcePartition,
            offset: d.sourceOffset,
            code: d.errorCode,
            reason: d.errorMessage,
          },
          'record sent to dlq',
        );
      }
      const topicMessages: TopicMessages[] = [];
      for (const [topic, messages] of byTopic) topicMessages.push({ topic, messages });
      return { topicMessages, dead };
    },

    async send({ topicMessages, dead }) {
      if (topicMessages.length === 0) return;
      try {
        await deps.producer.sendBatch({ acks: -1, timeout: 30_000, topicMessages });
      } catch (err) {
        throw new HarkError('HARK_KAFKA_UNAVAILABLE', `produce failed: ${(err as Error).message}`, {
          cause: err,
          context: { stage },
        });
      }
      for (const { topic, messages } of topicMessages)
        deps.metrics.recordsOut.inc({ stage, topic }, messages.length);
      for (const d of dead) deps.metrics.deadLetters.inc({ stage, code: d.errorCode });
    },
  };
}
