import { type ConfigOf, list, oneOf, setting, str } from '@hark/config';
import { TOPICS } from '@hark/events';
import { stageSettings } from '@hark/stage-runtime';
import { SUPPORTED_LANGUAGES } from './adapters/load-model.ts';

export const SERVICE = 'sentiment-scoring';

export const configSpec = {
  ...stageSettings({
    service: SERVICE,
    opsPort: 9102,
    dbPool: { default: 4, min: 2 },
    docs: {
      databaseUrl:
        'PostgreSQL URL of the privacy keyring (read-only use: opening encrypted mentions)',
      dlqTopic: 'dead-letter topic for records that cannot be decoded or scored',
    },
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
