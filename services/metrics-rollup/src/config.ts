import {
  type ConfigOf,
  duration,
  int,
  list,
  oneOf,
  parseConfig,
  parseDuration,
  setting,
  str,
} from '@hark/config';
import { TOPICS } from '@hark/events';
import { stageSettings } from '@hark/stage-runtime';

export const SERVICE = 'metrics-rollup';

export const configSpec = {
  ...stageSettings({
    service: SERVICE,
    opsPort: 9104,
    dbPool: { default: 6, min: 4 },
    docs: {
      dlqTopic: 'dead-letter topic for late, future-dated and invalid records',
      groupId:
        'consumer group prefix: mentions consume as `<prefix>.mentions`, signals as `<prefix>.signals`, compliance events as `<prefix>.compliance`',
      batchSize:
        'records per partition in one rollup transaction (a transaction takes a chunk of every partition in the fetch)',
      dbPoolMax:
        'PostgreSQL connections per instance: one each for the mentions, signals and compliance consumers (each runs one transaction at a time), maintenance and the corrections API',
    },
  }),
  mentionsTopic: setting({
    env: 'MENTIONS_TOPIC',
    doc: 'topic of resolved mentions (ResolvedMention)',
    parse: str(),
    default: TOPICS.mentionsResolved.name,
  }),
  signalsTopic: setting({
    env: 'SIGNALS_TOPIC',
    doc: 'topic of brand signals (BrandSignal)',
    parse: str(),
    default: TOPICS.signalsRaw.name,
  }),
  complianceTopic: setting({
    env: 'COMPLIANCE_TOPIC',
    doc: 'topic of compliance events (ComplianceEvent): deletions, edits, account changes, erasure',
    parse: str(),
    default: TOPICS.compliance.name,
  }),
  deletedPosts: setting({
    env: 'ROLLUP_DELETED_POSTS',
    doc: '`uncount`: a deleted post no longer counts in past windows (platform terms); `keep_counts`: its text, title, url, handle and name are blanked and its counts stay',
    parse: oneOf(['uncount', 'keep_counts'] as const),
    default: 'uncount' as const,
  }),
  textRetentionDays: setting({
    env: 'ROLLUP_TEXT_RETENTION_DAYS',
    doc: 'days after which a fact loses its text, title, url, handle and name (every count stays); 0 turns it off',
    parse: int({ min: 0, max: 36_500 }),
    default: 30,
  }),
  apiKeys: setting({
    env: 'ROLLUP_API_KEYS',
    doc: 'comma-separated bearer keys of the corrections API, each `principal:key` (the principal is recorded as who corrected) or a bare key (the request must name `correctedBy`); unset: every request is refused',
    parse: list(str({ minLength: 16 })),
    default: [] as string[],
    secret: true,
  }),
  brandsFile: setting({
    env: 'BRANDS_FILE',
    doc: 'brands YAML whose competitive sets feed share of voice, synced to the database at start; a relative path is read from the working directory, else the repository root',
    parse: str(),
    default: 'deploy/local/brands.yaml',
  }),
  lateness: setting({
    env: 'ROLLUP_LATENESS',
    doc: 'how far behind the processing clock an event may be and still update its windows; older ones go to the DLQ',
    parse: duration({ min: '1m' }),
    default: parseDuration('7d'),
  }),
  futureTolerance: setting({
    env: 'ROLLUP_FUTURE_TOLERANCE',
    doc: 'how far ahead of the processing clock an event may be (source clock skew); later ones go to the DLQ',
    parse: duration(),
    default: parseDuration('15m'),
  }),
  retention: setting({
    env: 'RETENTION',
    doc: 'how long mention and signal facts (and unique-author sets) are kept, in daily partitions; at least ROLLUP_LATENESS + 1d. Rollups are kept',
    parse: duration({ min: '2d' }),
    default: parseDuration('90d'),
  }),
  maintenanceInterval: setting({
    env: 'PARTITION_MAINTENANCE_INTERVAL',
    doc: 'how often partitions are created ahead, expired ones dropped and the customer views refreshed',
    parse: duration({ min: '1s' }),
    default: parseDuration('1h'),
  }),
};

export type RollupConfig = ConfigOf<typeof configSpec>;

/**
 * Parses the environment and checks the rules that span settings. Retention
 * must outlast lateness by a day: the fact partitions are what makes a
 * re-delivered event a no-op, so they must exist as long as events are accepted.
 */
export function configProblems(config: RollupConfig): string[] {
  const problems: string[] = [];
  if (config.retention.ms < config.lateness.ms + 86_400_000) {
    problems.push(
      `RETENTION (${config.retention.text}) must be at least ROLLUP_LATENESS (${config.lateness.text}) + 1d: facts must outlive the lateness so a re-delivered event is recognized`,
    );
  }
  if (config.futureTolerance.ms > 2 * 86_400_000) {
    problems.push(`ROLLUP_FUTURE_TOLERANCE (${config.futureTolerance.text}) must be at most 2d`);
  }
  return problems;
}

/** Parses the environment and checks the rules that span settings (`configProblems`). */
export function parseRollupConfig(
  env: Record<string, string | undefined> = process.env,
): RollupConfig {
  return parseConfig(configSpec, env, configProblems);
}
