import type { DeadLetter } from '@hark/events';
import type { Kafka, Producer } from 'kafkajs';
import type { Decoder } from './avro-serde.ts';

/** Which dead letters to list or replay; every given field must match. */
export interface DeadLetterFilter {
  stage?: string;
  errorCode?: string;
  sourceTopic?: string;
  /** failedAt ≥ since (epoch ms). */
  since?: number;
  /** failedAt < until (epoch ms). */
  until?: number;
}

export function matchesFilter(dl: DeadLetter, f: DeadLetterFilter): boolean {
  return (
    (f.stage === undefined || dl.stage === f.stage) &&
    (f.errorCode === undefined || dl.errorCode === f.errorCode) &&
    (f.sourceTopic === undefined || dl.sourceTopic === f.sourceTopic) &&
    (f.since === undefined || dl.failedAt >= f.since) &&
    (f.until === undefined || dl.failedAt < f.until)
  );
}

/** Header a replayed record carries, naming the dead letter it came from. */
export const REPLAYED_FROM_HEADER = 'hark-replayed-from';

export type ReplayDecision =
  { replay: true; topic: string } | { replay: false; reason: 'not_from_kafka' | 'no_value' };

/**
 * Whether a dead letter can go back to a topic. Records the collector refused at its HTTP
 * API (`sourceTopic` `http`, offset -1) never were on a topic: they are fixed at the
 * source and sent again, not replayed. `to` overrides the destination (e.g. a quarantine
 * topic to inspect first).
 */
export function replayDecision(dl: DeadLetter, to?: string): ReplayDecision {
  if (dl.sourcePartition < 0 || dl.sourceOffset < 0 || dl.sourceTopic === 'http')
    return { replay: false, reason: 'not_from_kafka' };
  if (dl.value === null) return { replay: false, reason: 'no_value' };
  return { replay: true, topic: to ?? dl.sourceTopic };
}

export interface DeadLetterSummaryRow {
  stage: string;
  errorCode: string;
  sourceTopic: string;
  count: number;
  firstFailedAt: number;
  lastFailedAt: number;
  /** The latest message, as an example of the reason. */
  example: string;
}

/** Counts per stage, error code and source topic, most frequent first. */
export function summarize(letters: Iterable<DeadLetter>): DeadLetterSummaryRow[] {
  const rows = new Map<string, DeadLetterSummaryRow>();
  for (const dl of letters) {
    const key = `${dl.stage}\u0000${dl.errorCode}\u0000${dl.sourceTopic}`;
    const row = rows.get(key);
    if (!row) {
      rows.set(key, {
        stage: dl.stage,
        errorCode: dl.errorCode,
        sourceTopic: dl.sourceTopic,
        count: 1,
        firstFailedAt: dl.failedAt,
        lastFailedAt: dl.failedAt,
        example: dl.errorMessage,
      });
      continue;
    }
    row.count++;
    row.firstFailedAt = Math.min(row.firstFailedAt, dl.failedAt);
    if (dl.failedAt >= row.lastFailedAt) {
      row.lastFailedAt = dl.failedAt;
      row.example = dl.errorMessage;
    }
  }
  return [...rows.values()].sort((a, b) => b.count - a.count || a.stage.localeCompare(b.stage));
}

export interface DeadLetterRecord {
  partition: number;
  offset: string;
  letter: DeadLetter;
}

/**
 * Reads the dlq topic from the beginning up to the end offsets it has when the scan starts
 * (so a replay never chases dead letters it causes), without joining a consumer group or
 * committing anything. Records that are not DeadLetters are reported, not thrown.
 */
export async function scanDeadLetters(opts: {
  kafka: Kafka;
  topic: string;
  decoder: Decoder<DeadLetter>;
  onRecord: (r: DeadLetterRecord) => Promise<void> | void;
  onUndecodable?: (partition: number, offset: string, err: Error) => void;
  onProgress?: (done: number, total: number) => void;
}): Promise<{ scanned: number }> {
  const admin = opts.kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  let total = 0n;
  try {
    for (const p of await admin.fetchTopicOffsets(opts.topic)) {
      const end = BigInt(p.high);
      const start = BigInt(p.low);
      if (end > start) {
        ends.set(p.partition, end);
        total += end - start;
      }
    }
  } finally {
    await admin.disconnect();
  }
  if (ends.size === 0) return { scanned: 0 };

  const consumer = opts.kafka.consumer({
    groupId: `hark-dlq-scan-${process.pid}-${Date.now()}`,
    allowAutoTopicCreation: false,
  });
  let scanned = 0;
  let failure: Error | undefined;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [opts.topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const end = ends.get(batch.partition);
        if (end === undefined) return;
        for (const m of batch.messages) {
          if (BigInt(m.offset) >= end) break;
          try {
            if (m.value === null) throw new Error('null value (tombstone)');
            const letter = await opts.decoder.decode(m.value);
            await opts.onRecord({ partition: batch.partition, offset: m.offset, letter });
          } catch (err) {
            if (!opts.onUndecodable) {
              failure = err as Error;
              finish();
              return;
            }
            opts.onUndecodable(batch.partition, m.offset, err as Error);
          }
          scanned++;
          opts.onProgress?.(scanned, Number(total));
          if (BigInt(m.offset) + 1n >= end) ends.delete(batch.partition);
        }
        if (ends.size === 0) finish();
      },
    });
    await finished;
  } finally {
    await consumer.disconnect();
  }
  if (failure) throw failure;
  return { scanned };
}

/** Sends dead letters' original bytes back, in batches, acks=all. */
export function createReplayer(producer: Producer, batchSize = 500) {
  let pending: {
    topic: string;
    key: Buffer | null;
    value: Buffer;
    headers: Record<string, Buffer>;
  }[] = [];
  let sent = 0;
  async function flush(): Promise<void> {
    if (pending.length === 0) return;
    const byTopic = new Map<string, typeof pending>();
    for (const r of pending) {
      const list = byTopic.get(r.topic);
      if (list) list.push(r);
      else byTopic.set(r.topic, [r]);
    }
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, rs]) => ({
        topic,
        messages: rs.map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
      })),
    });
    sent += pending.length;
    pending = [];
  }
  return {
    async add(r: DeadLetterRecord, topic: string, dlqTopic: string): Promise<void> {
      const headers: Record<string, Buffer> = { ...r.letter.headers };
      headers[REPLAYED_FROM_HEADER] = Buffer.from(`${dlqTopic}:${r.partition}:${r.offset}`);
      pending.push({ topic, key: r.letter.key, value: r.letter.value!, headers });
      if (pending.length >= batchSize) await flush();
    },
    flush,
    get sent() {
      return sent;
    },
  };
}
