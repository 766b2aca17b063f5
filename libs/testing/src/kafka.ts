import type { Kafka, KafkaMessage } from 'kafkajs';
import { uniqueName } from './env.ts';

/** Creates topics with random names for one test file; `drop()` deletes them. */
export async function createTestTopics(
  kafka: Kafka,
  specs: { prefix: string; partitions?: number; config?: Record<string, string> }[],
): Promise<{ names: string[]; drop: () => Promise<void> }> {
  const admin = kafka.admin();
  await admin.connect();
  const names = specs.map((s) => uniqueName(`test.${s.prefix}`));
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: specs.map((s, i) => ({
        topic: names[i]!,
        numPartitions: s.partitions ?? 3,
        replicationFactor: 1,
        configEntries: Object.entries(s.config ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
    await untilServed(admin, names);
  } finally {
    await admin.disconnect();
  }
  return {
    names,
    async drop() {
      const a = kafka.admin();
      await a.connect();
      try {
        await a.deleteTopics({ topics: names });
      } finally {
        await a.disconnect();
      }
    },
  };
}

/**
 * `waitForLeaders` waits for the controller's metadata; on a busy single broker the partition can
 * still be unknown to the broker's log manager for a moment ("This server does not host this
 * topic-partition" on the first produce). Listing offsets asks the partition's leader itself.
 */
async function untilServed(admin: ReturnType<Kafka['admin']>, topics: string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (const topic of topics) {
    for (;;) {
      try {
        await admin.fetchTopicOffsets(topic);
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}

export type ReadMessage = KafkaMessage & { topic: string; partition: number };

/** Reads `count` messages from the start of `topic` with a throwaway group, or fails after the timeout. */
export async function readMessages(
  kafka: Kafka,
  topic: string,
  count: number,
  timeoutMs = 20_000,
): Promise<ReadMessage[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('test-reader'), maxWaitTimeInMs: 100 });
  const out: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`read ${out.length} of ${count} messages from ${topic} before the timeout`),
          ),
        timeoutMs,
      );
      void consumer.run({
        eachMessage: async ({ topic: t, partition, message }) => {
          out.push({ ...message, topic: t, partition });
          if (out.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}
