import {
  commonSettings,
  type ConfigOf,
  httpLimitSettings,
  int,
  list,
  oneOf,
  port,
  setting,
  str,
} from '@hark/config';
import { TOPICS } from '@hark/events';
import { privacySettings } from '@hark/privacy';
import { SUPPORTED_LANGUAGES } from './adapters/load-model.ts';

export const SERVICE = 'sentiment-scoring';

export const configSpec = {
  kafkaBrokers: commonSettings.kafkaBrokers,
  schemaRegistryUrl: commonSettings.schemaRegistryUrl,
  databaseUrl: {
    ...commonSettings.databaseUrl,
    doc: 'PostgreSQL URL of the privacy keyring (read-only use: opening encrypted mentions)',
  },
  ...privacySettings,
  logLevel: commonSettings.logLevel,
  opsHost: commonSettings.opsHost,
  ...httpLimitSettings,
  opsPort: setting({
    env: 'OPS_PORT',
    doc: 'port of the /healthz, /readyz and /metrics server',
    parse: port(),
    default: 9102,
  }),
  inputTopic: setting({
    env: 'INPUT_TOPIC',
    doc: 'topic of raw Mentions to score',
    parse: str(),
    default: TOPICS.mentionsRaw.name,
  }),
  outputTopic: setting({
    env: 'OUTPUT_TOPIC',
    doc: 'topic the ScoredMentions go to, keyed platform:authorId',
    parse: str(),
    default: TOPICS.mentionsScored.name,
  }),
  dlqTopic: setting({
    env: 'DLQ_TOPIC',
    doc: 'dead-letter topic for records that cannot be decoded or scored',
    parse: str(),
    default: TOPICS.dlq.name,
  }),
  groupId: setting({
    env: 'GROUP_ID',
    doc: 'consumer group; every replica joins the same group',
    parse: str(),
    default: SERVICE,
  }),
  batchSize: setting({
    env: 'BATCH_SIZE',
    doc: 'records per partition in one handler call and commit (a call takes a chunk of every partition in the fetch)',
    parse: int({ min: 1, max: 10_000 }),
    default: 500,
  }),
  intentModelPath: setting({
    env: 'INTENT_MODEL_PATH',
    doc: 'trained intent model (JSON); relative paths resolve against the service folder',
    parse: str(),
    default: 'models/intent-v1.json',
  }),
  socialModelPath: setting({
    env: 'SOCIAL_MODEL_PATH',
    doc: 'learned English sentiment and complaint model (JSON); relative paths resolve against the service folder',
    parse: str(),
    default: 'models/social-v2.json',
  }),
  languages: setting({
    env: 'SENTIMENT_LANGUAGES',
    doc: 'languages to score (others are labelled unknown); English is always loaded',
    parse: list(oneOf(SUPPORTED_LANGUAGES)),
    default: [...SUPPORTED_LANGUAGES],
  }),
};

export type Config = ConfigOf<typeof configSpec>;
