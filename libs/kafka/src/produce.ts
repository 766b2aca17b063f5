import { HarkError } from '@hark/errors';
import type { DeadLetter } from '@hark/events';
import type { Message, Producer, TopicMessages } from 'kafkajs';
import type { Logger } from 'pino';
import type { Encoder } from './avro-serde.ts';
import type { StageMetrics } from './stage-metrics.ts';
import type { OutputRecord } from './stage-types.ts';

/**
 * Kafka refuses a record batch over the topic's `max.message.bytes` (1 MiB by default) with
 * MESSAGE_TOO_LARGE, and kafkajs puts a request's records for one partition in one batch, so a
 * flush's outputs go out in requests of at most this many bytes of keys, values and headers
 * (plus `RECORD_OVERHEAD_BYTES` each), all partitions together. Below the limit with room for
 * the batch and record framing; a flush of a few hundred mentions is one request.
 */
export const MAX_REQUEST_BYTES = 900 * 1024;
/** A record's framing in a v2 batch (length, attributes, deltas, varints), rounded up. */
const RECORD_OVERHEAD_BYTES = 32;

/**
 * A unit's outputs and dead letters, encoded and grouped by topic: sent as `requests` in order
 * (one unless the outputs are larger than `MAX_REQUEST_BYTES`). `sent` counts the requests
 * Kafka acknowledged, so a retry sends only the rest.
 */
export interface Outgoing {
  readonly requests: readonly TopicMessages[][];
  readonly dead: readonly DeadLetter[];
  sent: number;
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
  /** Default MAX_REQUEST_BYTES. */
  maxRequestBytes?: number;
  producer: Producer;
  dlq: Encoder<DeadLetter> & { topic: string };
  metrics: Pick<StageMetrics, 'recordsOut' | 'deadLetters'>;
  log: Logger;
}): ProduceStep {
  const { stage } = deps;
  const maxBytes = deps.maxRequestBytes ?? MAX_REQUEST_BYTES;
  return {
    build(outputs, dead) {
      const requests: TopicMessages[][] = [];
      let byTopic = new Map<string, Message[]>();
      let bytes = 0;
      const add = (topic: string, message: Message) => {
        const size = messageBytes(message);
        if (bytes + size > maxBytes && bytes > 0) {
          requests.push(toTopicMessages(byTopic));
          byTopic = new Map();
          bytes = 0;
        }
        bytes += size;
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
      if (byTopic.size > 0) requests.push(toTopicMessages(byTopic));
      return { requests, dead, sent: 0 };
    },

    async send(outgoing) {
      const { requests, dead } = outgoing;
      // In order, each after the previous one's acknowledgement: a partition's records stay in
      // order across requests, and a retry resumes at the first request not acknowledged.
      for (; outgoing.sent < requests.length; outgoing.sent++) {
        const topicMessages = requests[outgoing.sent]!;
        try {
          await deps.producer.sendBatch({ acks: -1, timeout: 30_000, topicMessages });
        } catch (err) {
          throw new HarkError(
            'HARK_KAFKA_UNAVAILABLE',
            `produce failed: ${(err as Error).message}`,
            { cause: err, context: { stage } },
          );
        }
        for (const { topic, messages } of topicMessages)
          deps.metrics.recordsOut.inc({ stage, topic }, messages.length);
      }
      for (const d of dead) deps.metrics.deadLetters.inc({ stage, code: d.errorCode });
    },
  };
}

function toTopicMessages(byTopic: Map<string, Message[]>): TopicMessages[] {
  const out: TopicMessages[] = [];
  for (const [topic, messages] of byTopic) out.push({ topic, messages });
  return out;
}

/** Bytes a message adds to a produce request: key, value, header names and values, framing. */
function messageBytes(m: Message): number {
  let n = RECORD_OVERHEAD_BYTES + byteLength(m.key) + byteLength(m.value);
  if (m.headers)
    for (const [name, v] of Object.entries(m.headers)) {
      n += Buffer.byteLength(name) + 2;
      if (Array.isArray(v)) for (const x of v) n += byteLength(x) + 2;
      else n += byteLength(v as string | Buffer | undefined);
    }
  return n;
}

function byteLength(v: string | Buffer | null | undefined): number {
  if (v == null) return 0;
  return typeof v === 'string' ? Buffer.byteLength(v) : v.length;
}
