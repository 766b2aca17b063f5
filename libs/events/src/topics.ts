import type { EventName } from './schemas.ts';

export interface TopicSpec {
  /** Default topic name; deployments may override names through config. */
  name: string;
  /** Event carried as the value (registered under `<topic>-value`). */
  event: EventName;
  /** What the record key is. */
  key: string;
  partitions: number;
  config: Record<string, string>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Every topic hark owns. Mention topics get 6 partitions: enough for each
 * stage to scale to 6 consumers, cheap on a single broker. Partition counts
 * only grow, and growing one re-maps keys, so choose before production.
 */
export const TOPICS = {
  mentionsRaw: {
    name: 'mentions.raw',
    event: 'Mention',
    key: 'mentionId',
    partitions: 6,
    config: { 'retention.ms': String(7 * DAY_MS), 'cleanup.policy': 'delete' },
  },
  signalsRaw: {
    name: 'signals.raw',
    event: 'BrandSignal',
    key: 'brand:metric',
    partitions: 3,
    config: { 'retention.ms': String(7 * DAY_MS), 'cleanup.policy': 'delete' },
  },
  mentionsScored: {
    name: 'mentions.scored',
    event: 'ScoredMention',
    key: 'platform:authorId',
    partitions: 6,
    config: { 'retention.ms': String(7 * DAY_MS), 'cleanup.policy': 'delete' },
  },
  mentionsResolved: {
    name: 'mentions.resolved',
    event: 'ResolvedMention',
    key: 'mentionId',
    partitions: 6,
    config: { 'retention.ms': String(7 * DAY_MS), 'cleanup.policy': 'delete' },
  },
  identityLinks: {
    name: 'identity.links',
    event: 'IdentityLink',
    key: 'platform:authorId',
    partitions: 6,
    config: {
      'cleanup.policy': 'compact',
      'min.compaction.lag.ms': '0',
      'segment.ms': String(DAY_MS),
      'delete.retention.ms': String(DAY_MS),
    },
  },
  compliance: {
    name: 'compliance',
    event: 'ComplianceEvent',
    key: 'platform:postId | platform:authorId | customer:<customerId>',
    partitions: 3,
    // Ids only, no personal data; kept long enough to rebuild any stage that replays from it.
    config: { 'retention.ms': String(30 * DAY_MS), 'cleanup.policy': 'delete' },
  },
  actions: {
    name: 'actions',
    event: 'Action',
    key: 'actionId',
    partitions: 6,
    // Work items; queues and the webhook outbox read them within minutes, a month covers a replay.
    config: { 'retention.ms': String(30 * DAY_MS), 'cleanup.policy': 'delete' },
  },
  alerts: {
    name: 'alerts',
    event: 'Alert',
    key: 'brand:platform',
    partitions: 3,
    config: { 'retention.ms': String(30 * DAY_MS), 'cleanup.policy': 'delete' },
  },
  dlq: {
    name: 'dlq',
    event: 'DeadLetter',
    key: 'original key',
    partitions: 3,
    config: { 'retention.ms': String(30 * DAY_MS), 'cleanup.policy': 'delete' },
  },
} as const satisfies Record<string, TopicSpec>;

export type TopicId = keyof typeof TOPICS;

/** Confluent's TopicNameStrategy subject for a topic's values. */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}
