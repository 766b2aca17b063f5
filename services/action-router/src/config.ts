import {
  bool,
  type ConfigOf,
  duration,
  int,
  num,
  oneOf,
  parseConfig,
  parseDuration,
  setting,
  str,
  url,
} from '@hark/config';
import { TOPICS } from '@hark/events';
import { stageSettings } from '@hark/stage-runtime';
import type { DetectorParams } from './domain/spikes/detector.ts';

export const SERVICE = 'action-router';

export const configSpec = {
  // Mentions arrive with their personal fields encrypted per author (see docs/privacy.md).
  ...stageSettings({
    service: SERVICE,
    opsPort: 9105,
    dbPool: { default: 6, min: 3 },
    docs: {
      dlqTopic: 'dead-letter topic for records that cannot be decoded or routed',
      groupId:
        'consumer group of the rules stage; the webhook outbox consumes actions as `<GROUP_ID>.webhook`',
    },
  }),
  inputTopic: setting({
    env: 'INPUT_TOPIC',
    doc: 'topic of resolved mentions the rules are evaluated on',
    parse: str(),
    default: TOPICS.mentionsResolved.name,
  }),
  actionsTopic: setting({
    env: 'ACTIONS_TOPIC',
    doc: 'topic the Actions go to, keyed actionId; the webhook outbox is filled from it',
    parse: str(),
    default: TOPICS.actions.name,
  }),
  alertsTopic: setting({
    env: 'ALERTS_TOPIC',
    doc: 'topic the spike Alerts go to, keyed brand:platform',
    parse: str(),
    default: TOPICS.alerts.name,
  }),
  rulesFile: setting({
    env: 'RULES_FILE',
    doc: 'routing rules YAML, validated at start; a relative path is read from the working directory, else the repository root',
    parse: str(),
    default: 'rules/routing.yaml',
  }),
  maxAge: setting({
    env: 'ACTION_MAX_AGE',
    doc: 'mentions posted longer ago than this are not routed (a backfill, a replay or a first start over old data must not page anyone); counted as too_old',
    parse: duration({ min: '1m' }),
    default: parseDuration('2d'),
  }),
  webhookUrl: setting({
    env: 'ACTION_WEBHOOK_URL',
    doc: 'URL every Action is POSTed to as JSON; empty turns webhook delivery (and its outbox consumer) off',
    parse: url({ protocols: ['http', 'https'] }),
    default: '',
  }),
  webhookSecret: setting({
    env: 'ACTION_WEBHOOK_SECRET',
    doc: 'HMAC-SHA256 key of the X-Hark-Signature header; required with ACTION_WEBHOOK_URL',
    parse: str({ minLength: 16 }),
    default: '',
    secret: true,
  }),
  webhookTimeout: setting({
    env: 'ACTION_WEBHOOK_TIMEOUT',
    doc: 'how long one POST may take before it counts as failed',
    parse: duration({ min: '100ms', max: '5m' }),
    default: parseDuration('10s'),
  }),
  webhookMaxAttempts: setting({
    env: 'ACTION_WEBHOOK_MAX_ATTEMPTS',
    doc: 'attempts before an action is marked dead (with the last reason) and no longer retried',
    parse: int({ min: 1, max: 100 }),
    default: 12,
  }),
  webhookBackoffInitial: setting({
    env: 'ACTION_WEBHOOK_BACKOFF_INITIAL',
    doc: 'delay before the second attempt; doubles per attempt, with ±50% jitter',
    parse: duration({ min: '10ms' }),
    default: parseDuration('1s'),
  }),
  webhookBackoffMax: setting({
    env: 'ACTION_WEBHOOK_BACKOFF_MAX',
    doc: 'longest delay between two attempts',
    parse: duration({ min: '10ms' }),
    default: parseDuration('10m'),
  }),
  webhookConcurrency: setting({
    env: 'ACTION_WEBHOOK_CONCURRENCY',
    doc: 'deliveries in flight per instance',
    parse: int({ min: 1, max: 64 }),
    default: 4,
  }),
  webhookPoll: setting({
    env: 'ACTION_WEBHOOK_POLL',
    doc: 'how often the delivery worker looks for due actions when idle',
    parse: duration({ min: '10ms', max: '1m' }),
    default: parseDuration('500ms'),
  }),
  outboxRetention: setting({
    env: 'ACTION_OUTBOX_RETENTION',
    doc: 'how long delivered and dead outbox rows are kept; longer than the actions topic retention, so a replay is still recognised',
    parse: duration({ min: '1d' }),
    default: parseDuration('35d'),
  }),
  alertsEnabled: setting({
    env: 'ALERTS_ENABLED',
    doc: 'run the spike detector over the metrics-rollup minute rollups (same DATABASE_URL)',
    parse: bool(),
    default: true,
  }),
  alertInterval: setting({
    env: 'ALERT_INTERVAL',
    doc: 'how often the detector evaluates the windows that closed since its last round',
    parse: duration({ min: '100ms', max: '10m' }),
    default: parseDuration('30s'),
  }),
  alertGrace: setting({
    env: 'ALERT_GRACE',
    doc: 'a window is evaluated only once it closed this long ago, so late mentions have settled in the rollups',
    parse: duration({ max: '1h' }),
    default: parseDuration('2m'),
  }),
  alertWindow: setting({
    env: 'ALERT_WINDOW',
    doc: 'length of the evaluated window and of each baseline window (whole minutes); windows slide by a minute',
    parse: duration({ min: '1m', max: '1h' }),
    default: parseDuration('5m'),
  }),
  alertBaselineWindows: setting({
    env: 'ALERT_BASELINE_WINDOWS',
    doc: 'how many earlier windows form the baseline',
    parse: int({ min: 4, max: 288 }),
    default: 24,
  }),
  alertBaseline: setting({
    env: 'ALERT_BASELINE',
    doc: 'volume baseline: trend (Theil–Sen line through the baseline windows) or median',
    parse: oneOf(['trend', 'median'] as const),
    default: 'trend' as const,
  }),
  alertOpenZ: setting({
    env: 'ALERT_OPEN_Z',
    doc: 'robust z-score that opens an episode (one Alert)',
    parse: num({ min: 1, max: 100 }),
    default: 6,
  }),
  alertStayZ: setting({
    env: 'ALERT_STAY_Z',
    doc: 'an open episode stays open while the z against the baseline frozen at opening is at least this',
    parse: num({ min: 0, max: 100 }),
    default: 2,
  }),
  alertMinVolume: setting({
    env: 'ALERT_MIN_VOLUME',
    doc: 'mentions a window needs before it can alert (quiet brands page no one)',
    parse: int({ min: 1 }),
    default: 10,
  }),
  alertMinRatio: setting({
    env: 'ALERT_MIN_RATIO',
    doc: 'a volume alert also needs observed ≥ this × expected',
    parse: num({ min: 1, max: 100 }),
    default: 1.8,
  }),
  alertMinNegative: setting({
    env: 'ALERT_MIN_NEGATIVE',
    doc: 'negative mentions a window needs before a negative-share alert',
    parse: int({ min: 1 }),
    default: 6,
  }),
  alertMinShareDelta: setting({
    env: 'ALERT_MIN_SHARE_DELTA',
    doc: 'a negative-share alert also needs the share this much above the expected share (0–1)',
    parse: num({ min: 0, max: 1 }),
    default: 0.15,
  }),
  alertCloseAfter: setting({
    env: 'ALERT_CLOSE_AFTER',
    doc: 'an episode closes after this long without an elevated window (evaluations are one per minute)',
    parse: duration({ min: '1m', max: '1d' }),
    default: parseDuration('15m'),
  }),
  alertMaxEpisode: setting({
    env: 'ALERT_MAX_EPISODE',
    doc: 'after this long an episode is judged against the current baseline only, so a lasting level shift ends it',
    parse: duration({ min: '10m', max: '7d' }),
    default: parseDuration('6h'),
  }),
  alertTopMentions: setting({
    env: 'ALERT_TOP_MENTIONS',
    doc: 'mentions of the window (by author reach) an Alert carries',
    parse: int({ min: 0, max: 50 }),
    default: 5,
  }),
  alertMaxCatchUp: setting({
    env: 'ALERT_MAX_CATCH_UP',
    doc: 'most minutes a round evaluates per series after a pause (older ones are skipped, never alerted late)',
    parse: int({ min: 1, max: 1440 }),
    default: 60,
  }),
};

export type Config = ConfigOf<typeof configSpec>;

/** The rules that span settings. */
export function configProblems(config: Config): string[] {
  const problems: string[] = [];
  if (config.webhookUrl && !config.webhookSecret)
    problems.push(
      'ACTION_WEBHOOK_SECRET is required when ACTION_WEBHOOK_URL is set: receivers verify the HMAC',
    );
  if (config.webhookBackoffMax.ms < config.webhookBackoffInitial.ms)
    problems.push('ACTION_WEBHOOK_BACKOFF_MAX must be at least ACTION_WEBHOOK_BACKOFF_INITIAL');
  if (config.alertWindow.ms % 60_000 !== 0)
    problems.push(
      `ALERT_WINDOW (${config.alertWindow.text}) must be whole minutes: it sums minute rollups`,
    );
  return problems;
}

/** Parses the environment and checks the rules that span settings. */
export function parseActionRouterConfig(
  env: Record<string, string | undefined> = process.env,
): Config {
  return parseConfig(configSpec, env, configProblems);
}

/** The detector parameters the config describes. */
export function detectorParams(config: Config): DetectorParams {
  return {
    baseline: config.alertBaseline,
    windowMinutes: config.alertWindow.ms / 60_000,
    baselineWindows: config.alertBaselineWindows,
    openZ: config.alertOpenZ,
    stayZ: config.alertStayZ,
    minVolume: config.alertMinVolume,
    minRatio: config.alertMinRatio,
    minNegative: config.alertMinNegative,
    minShareDelta: config.alertMinShareDelta,
    closeAfterEvaluations: Math.max(1, Math.round(config.alertCloseAfter.ms / 60_000)),
    maxEpisodeMinutes: config.alertMaxEpisode.ms / 60_000,
  };
}
