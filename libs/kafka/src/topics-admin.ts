import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';

export interface TopicToEnsure {
  name: string;
  partitions: number;
  config?: Record<string, string>;
}

/**
 * Creates missing topics with explicit partition counts and configs. Existing
 * topics are left alone (a partition change re-maps keys and must be a
 * deliberate operation), but a mismatch is logged.
 */
export async function ensureTopics(deps: {
  kafka: Kafka;
  logger: Logger;
  topics: TopicToEnsure[];
}): Promise<string[]> {
  const admin = deps.kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = deps.topics.filter((t) => !existing.has(t.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          replicationFactor: -1,
          configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
    }
    const present = deps.topics.filter((t) => existing.has(t.name));
    if (present.length > 0) {
      const { topics } = await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) });
      for (const t of topics) {
        const want = deps.topics.find((x) => x.name === t.name)!.partitions;
        if (t.partitions.length !== want) {
          deps.logger.warn(
            { topic: t.name, partitions: t.partitions.length, expected: want },
            'topic partition count differs from its spec',
          );
        }
      }
    }
    return missing.map((t) => t.name);
  } finally {
    await admin.disconnect();
  }
}
