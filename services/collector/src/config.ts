import {
  bool,
  commonSettings,
  type ConfigOf,
  httpLimitSettings,
  int,
  list,
  type Parser,
  port,
  setting,
  str,
} from '@hark/config';
import { TOPICS } from '@hark/events';
import { privacySettings } from '@hark/privacy';
import type { ApiKey } from './adapters/http-api.ts';

/** `name=key` pairs; a bare key is named `key1`, `key2`, … by position. */
const apiKeys: Parser<ApiKey[]> = (raw) => {
  const keys = list()(raw).map((item, i) => {
    const eq = item.indexOf('=');
    const named =
      eq > 0
        ? { name: item.slice(0, eq).trim(), key: item.slice(eq + 1).trim() }
        : { name: `key${i + 1}`, key: item };
    if (!/^[\w.-]{1,64}$/.test(named.name))
      throw new Error(`item ${i + 1}: key name must be letters, digits, _ . -`);
    if (named.key.length < 16)
      throw new Error(`item ${i + 1}: keys must be at least 16 characters`);
    return named;
  });
  if (new Set(keys.map((k) => k.name)).size !== keys.length)
    throw new Error('key names must be unique');
  return keys;
};

/**
 * The largest COLLECTOR_MAX_TEXT_LENGTH: 200,000 characters of 4 UTF-8 bytes each, with every
 * other field at its own limit, keep a sealed mention (and what the stages add to it) below
 * Kafka's default 1 MiB record limit. A record over it could never be produced: the stages'
 * produce would fail on every retry (test/unit/largest-mention.test.ts).
 */
export const MAX_TEXT_LENGTH_LIMIT = 200_000;

export const collectorSettings = {
  kafkaBrokers: commonSettings.kafkaBrokers,
  schemaRegistryUrl: commonSettings.schemaRegistryUrl,
  databaseUrl: {
    ...commonSettings.databaseUrl,
    doc: 'PostgreSQL URL for the privacy keyring (scope `privacy`) and poller checkpoints (scope `collector`)',
  },
  logLevel: commonSettings.logLevel,
  opsHost: commonSettings.opsHost,
  ...httpLimitSettings,
  opsPort: setting({
    env: 'OPS_PORT',
    doc: 'port of /healthz, /readyz and /metrics',
    parse: port(),
    default: 9101,
  }),
  apiHost: setting({
    env: 'API_HOST',
    doc: 'interface the ingest API binds to (0.0.0.0 in containers)',
    parse: str(),
    default: '127.0.0.1',
  }),
  apiPort: setting({
    env: 'API_PORT',
    doc: 'port of the ingest API (POST /v1/…, GET /openapi.json)',
    parse: port(),
    default: 8080,
  }),
  apiKeys: setting({
    env: 'COLLECTOR_API_KEYS',
    doc: 'comma-separated `name=key` API keys for Authorization: Bearer (keys ≥ 16 characters); the name is logged and recorded as the source',
    parse: apiKeys,
    secret: true,
  }),
  brandsFile: setting({
    env: 'BRANDS_FILE',
    doc: 'brands config (YAML): tracked brands, aliases, hashtags, handles, exclusions',
    parse: str(),
    default: 'deploy/local/brands.yaml',
  }),
  sourcesFile: setting({
    env: 'COLLECTOR_SOURCES_FILE',
    doc: 'webhook sources and pollers (YAML, see services/collector/sources.example.yaml); empty: none',
    parse: str(),
    default: '',
  }),
  mentionsTopic: setting({
    env: 'MENTIONS_TOPIC',
    doc: 'topic for Mention events',
    parse: str(),
    default: TOPICS.mentionsRaw.name,
  }),
  signalsTopic: setting({
    env: 'SIGNALS_TOPIC',
    doc: 'topic for BrandSignal events',
    parse: str(),
    default: TOPICS.signalsRaw.name,
  }),
  complianceTopic: setting({
    env: 'COMPLIANCE_TOPIC',
    doc: 'topic for ComplianceEvent events (platform deletions, edits, account changes)',
    parse: str(),
    default: TOPICS.compliance.name,
  }),
  dlqTopic: setting({
    env: 'DLQ_TOPIC',
    doc: 'dead-letter topic for refused webhook and poller items',
    parse: str(),
    default: TOPICS.dlq.name,
  }),
  bodyLimitBytes: setting({
    env: 'COLLECTOR_BODY_LIMIT_BYTES',
    doc: 'largest request body; larger ones get 413',
    parse: int({ min: 1024, max: 100 * 1024 * 1024 }),
    default: 5 * 1024 * 1024,
  }),
  maxItems: setting({
    env: 'COLLECTOR_MAX_ITEMS',
    doc: 'most items in one request; more get 413',
    parse: int({ min: 1, max: 100_000 }),
    default: 1000,
  }),
  maxTextLength: setting({
    env: 'COLLECTOR_MAX_TEXT_LENGTH',
    doc: `longest mention text in characters; longer generic items are rejected, native platform posts are cut to it at a word boundary; at most ${MAX_TEXT_LENGTH_LIMIT.toLocaleString('en')}, so that a mention stays below Kafka's 1 MiB record limit`,
    parse: int({ min: 100, max: MAX_TEXT_LENGTH_LIMIT }),
    default: 10_000,
  }),
  maxFutureSkewSeconds: setting({
    env: 'COLLECTOR_MAX_FUTURE_SKEW_SECONDS',
    doc: 'how far in the future a createdAt/observedAt may lie before it is rejected',
    parse: int({ min: 0, max: 7 * 86_400 }),
    // Matches metrics-rollup's ROLLUP_FUTURE_TOLERANCE: what is answered 202 is also counted.
    default: 900,
  }),
  maxAgeSeconds: setting({
    env: 'COLLECTOR_MAX_AGE_SECONDS',
    doc: 'oldest createdAt accepted, in seconds back from now; keep it within metrics-rollup ROLLUP_LATENESS',
    parse: int({ min: 60 }),
    default: 7 * 86_400,
  }),
  produceTimeoutMs: setting({
    env: 'COLLECTOR_PRODUCE_TIMEOUT_MS',
    doc: 'longest wait for Kafka to acknowledge a request’s records before answering 503',
    parse: int({ min: 100, max: 120_000 }),
    default: 5000,
  }),
  circuitOpenMs: setting({
    env: 'COLLECTOR_CIRCUIT_OPEN_MS',
    doc: 'after a failed produce, answer 503 at once for this long before probing Kafka again',
    parse: int({ min: 0, max: 600_000 }),
    default: 5000,
  }),
  instanceId: setting({
    env: 'COLLECTOR_INSTANCE_ID',
    doc: 'this instance’s name in poller leases; empty: hostname-pid',
    parse: str(),
    default: '',
  }),
  pollerUserAgent: setting({
    env: 'COLLECTOR_USER_AGENT',
    doc: 'User-Agent of poller requests (Reddit asks for a descriptive one)',
    parse: str(),
    default: 'hark-collector/0.1 (+https://github.com/hark)',
  }),
  ...privacySettings,
  privacyEncrypt: setting({
    env: 'PRIVACY_ENCRYPT',
    doc: 'encrypt personal mention fields with the author’s data key (crypto-shredding); false only to debug, never with real data',
    parse: bool(),
    default: true,
  }),
  privacyHashEmails: setting({
    env: 'PRIVACY_HASH_EMAILS',
    doc: 'store author.email as sha256:<hex> of the trimmed lower-cased address',
    parse: bool(),
    default: true,
  }),
  privacyRedactTextContacts: setting({
    env: 'PRIVACY_REDACT_TEXT_CONTACTS',
    doc: 'replace e-mail addresses and phone numbers in text and title with [email] / [phone]',
    parse: bool(),
    default: true,
  }),
  shutdownTimeoutMs: setting({
    env: 'SHUTDOWN_TIMEOUT_MS',
    doc: 'hard limit for graceful shutdown',
    parse: int({ min: 1000 }),
    default: 25_000,
  }),
};

export type CollectorConfig = ConfigOf<typeof collectorSettings>;
