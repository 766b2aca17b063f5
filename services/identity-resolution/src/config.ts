import { type ConfigOf, int, list, num, setting, str } from '@hark/config';
import { TOPICS } from '@hark/events';
import { stageSettings } from '@hark/stage-runtime';
import { SERVICE } from './schema.ts';

/** Every setting of identity-resolution; the README table is rendered from it. */
export const configSpec = {
  ...stageSettings({
    service: SERVICE,
    opsPort: 9103,
    dbPool: { default: 10, min: 2 },
    docs: {
      opsPort: 'port of the HTTP API and /healthz, /readyz, /metrics',
      dlqTopic: 'dead-letter topic for records that cannot be resolved',
      groupId: 'Kafka consumer group',
      batchSize:
        'records per partition in one handler call (a chunk of every partition in the fetch): one identity read and one write transaction each',
      dbPoolMax: 'PostgreSQL pool size',
    },
  }),
  inputTopic: setting({
    env: 'INPUT_TOPIC',
    doc: 'scored mentions to resolve (keyed by platform:authorId)',
    parse: str(),
    default: TOPICS.mentionsScored.name,
  }),
  outputTopic: setting({
    env: 'OUTPUT_TOPIC',
    doc: 'resolved mentions (keyed by mentionId)',
    parse: str(),
    default: TOPICS.mentionsResolved.name,
  }),
  linksTopic: setting({
    env: 'LINKS_TOPIC',
    doc: 'compacted topic of identity decisions (keyed by platform:authorId)',
    parse: str(),
    default: TOPICS.identityLinks.name,
  }),
  matchUpper: setting({
    env: 'MATCH_UPPER',
    doc: 'posterior probability at or above which a fuzzy match links automatically',
    parse: num({ min: 0, max: 1 }),
    default: 0.998,
  }),
  matchLower: setting({
    env: 'MATCH_LOWER',
    doc: 'posterior probability below which an author stays a prospect; between the two: review',
    parse: num({ min: 0, max: 1 }),
    default: 0.5,
  }),
  matchAmbiguityBits: setting({
    env: 'MATCH_AMBIGUITY_BITS',
    doc: 'the best candidate must beat the runner-up by this many bits (log2 likelihood ratio) to auto-link',
    parse: num({ min: 0, max: 64 }),
    default: 3,
  }),
  matchCorroborationBits: setting({
    env: 'MATCH_CORROBORATION_BITS',
    doc: 'an auto-link needs this many bits of evidence besides the name (place, identifier, company, e-mail agreeing); a name alone goes to review',
    parse: num({ min: 0, max: 64 }),
    default: 2,
  }),
  matchPopulation: setting<number | null>({
    env: 'MATCH_POPULATION',
    doc: 'hand override of the prior: how many people could post about the brands (each customer is a given author with prior 1/this); empty: learned from traffic',
    parse: int({ min: 1 }),
    default: null,
  }),
  matchRefitMs: setting({
    env: 'MATCH_REFIT_MS',
    doc: 'how often the matching model is re-estimated from the authors seen since the last fit (0: never)',
    parse: int({ min: 0 }),
    default: 600_000,
  }),
  matchRefitSample: setting({
    env: 'MATCH_REFIT_SAMPLE',
    doc: 'most recent distinct authors kept in memory for the next fit',
    parse: int({ min: 10, max: 100_000 }),
    default: 2000,
  }),
  matchRefitMinAuthors: setting({
    env: 'MATCH_REFIT_MIN_AUTHORS',
    doc: 'fewest authors seen since the last fit for a new fit',
    parse: int({ min: 10 }),
    default: 500,
  }),
  maxBlockSize: setting({
    env: 'MATCH_MAX_BLOCK',
    doc: 'blocking keys shared by more customers than this are skipped as unselective',
    parse: int({ min: 1 }),
    default: 200,
  }),
  maxWeakBlockSize: setting({
    env: 'MATCH_MAX_WEAK_BLOCK',
    doc: 'the same for typo keys (initial of a full first name, first letters of a family name)',
    parse: int({ min: 1 }),
    default: 50,
  }),
  indexRefreshMs: setting({
    env: 'INDEX_REFRESH_MS',
    doc: 'poll interval for changed customers (LISTEN/NOTIFY wakes it sooner)',
    parse: int({ min: 100 }),
    default: 2000,
  }),
  apiKeys: setting({
    env: 'IDENTITY_API_KEYS',
    doc: 'comma-separated bearer keys accepted by the /v1 API',
    parse: list(str({ minLength: 16 })),
    secret: true,
  }),
  complianceTopic: setting({
    env: 'COMPLIANCE_TOPIC',
    doc: 'compliance events to carry out (account deletions, erasures); the privacy flow also writes here',
    parse: str(),
    default: TOPICS.compliance.name,
  }),
  complianceGroupId: setting({
    env: 'COMPLIANCE_GROUP_ID',
    doc: 'consumer group of the compliance stage (empty: GROUP_ID + ".compliance")',
    parse: str(),
    default: '',
  }),
  privacyAuditSecret: setting({
    env: 'PRIVACY_AUDIT_SECRET',
    doc: 'key of the HMAC that names erasure subjects in privacy_audit (empty: derived from HARK_PRIVACY_MASTER_KEY)',
    parse: str(),
    default: '',
    secret: true,
  }),
};

export type IdentityConfig = ConfigOf<typeof configSpec>;
