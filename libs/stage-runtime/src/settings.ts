import {
  commonSettings,
  httpLimitSettings,
  int,
  port,
  setting,
  str,
  type ConfigOf,
} from '@hark/config';
import { TOPICS } from '@hark/events';
import { DEFAULT_FETCH } from '@hark/kafka';
import { privacySettings } from '@hark/privacy';

/** What differs between services in the settings every stage shares. */
export interface StageSettingsOptions {
  /** The service name: the default consumer group. */
  service: string;
  /** Default OPS_PORT (each service has its own, so they run side by side). */
  opsPort: number;
  /** DB_POOL_MAX: its default and lower bound (a service needs a connection per concurrent user). */
  dbPool?: { default: number; min: number };
  /** Service-specific wording of a shared setting's one-line doc (the README tables show it). */
  docs?: Partial<Record<keyof StageSettings, string>>;
}

function stageSettingsSpec(opts: StageSettingsOptions) {
  const pool = opts.dbPool ?? { default: 4, min: 2 };
  return {
    ...commonSettings,
    ...privacySettings,
    ...httpLimitSettings,
    opsPort: setting({
      env: 'OPS_PORT',
      doc: 'port of the /healthz, /readyz and /metrics server',
      parse: port(),
      default: opts.opsPort,
    }),
    dbPoolMax: setting({
      env: 'DB_POOL_MAX',
      doc: 'PostgreSQL connections per instance',
      parse: int({ min: pool.min, max: 100 }),
      default: pool.default,
    }),
    dlqTopic: setting({
      env: 'DLQ_TOPIC',
      doc: 'dead-letter topic for records that cannot be decoded or processed',
      parse: str(),
      default: TOPICS.dlq.name,
    }),
    groupId: setting({
      env: 'GROUP_ID',
      doc: 'consumer group; every replica joins the same group',
      parse: str(),
      default: opts.service,
    }),
    batchSize: setting({
      env: 'BATCH_SIZE',
      doc: 'records per partition in one handler call and commit (a call takes a chunk of every partition in the fetch)',
      parse: int({ min: 1, max: 10_000 }),
      default: 500,
    }),
    fetchMinBytes: setting({
      env: 'FETCH_MIN_BYTES',
      doc: 'bytes the broker waits for before it answers a fetch (or FETCH_MAX_WAIT_MS): fewer, larger batches and less CPU per record below capacity; 1 answers with the first record',
      parse: int({ min: 1, max: 64 * 1024 * 1024 }),
      default: DEFAULT_FETCH.minBytes,
    }),
    fetchMaxWaitMs: setting({
      env: 'FETCH_MAX_WAIT_MS',
      doc: 'longest a fetch waits for FETCH_MIN_BYTES: at most this much latency per hop at low rates',
      parse: int({ min: 0, max: 10_000 }),
      default: DEFAULT_FETCH.maxWaitTimeInMs,
    }),
    fetchLowVolumeMaxWaitMs: setting({
      env: 'FETCH_LOW_VOLUME_MAX_WAIT_MS',
      doc: 'FETCH_MAX_WAIT_MS of the inputs that are mostly empty (compliance, signals.raw): each empty fetch costs CPU, and these records are not latency-bound',
      parse: int({ min: 0, max: 10_000 }),
      default: 1000,
    }),
  };
}

/** The spec of the settings every stage shares; `ConfigOf` it is what the runtime reads. */
export type StageSettings = ReturnType<typeof stageSettingsSpec>;
export type StageConfig = ConfigOf<StageSettings>;

/**
 * The settings every stage shares (Kafka, registry, database, privacy keys,
 * ops server and HTTP limits, DLQ topic, group, batch size), with the
 * service's defaults. Spread first into a service's config spec; its own
 * settings follow, so the env names stay those of each service's README.
 */
export function stageSettings(opts: StageSettingsOptions): StageSettings {
  const spec = stageSettingsSpec(opts);
  for (const [key, doc] of Object.entries(opts.docs ?? {})) {
    const k = key as keyof StageSettings;
    (spec as Record<string, unknown>)[k] = { ...spec[k], doc };
  }
  return spec;
}

/** How an input's fetches wait: FETCH_MIN_BYTES, and the low-volume wait for a `lowVolume` input. */
export function inputFetch(
  input: { lowVolume?: boolean },
  config: Pick<StageConfig, 'fetchMinBytes' | 'fetchMaxWaitMs' | 'fetchLowVolumeMaxWaitMs'>,
): { minBytes: number; maxWaitTimeInMs: number } {
  return {
    minBytes: config.fetchMinBytes,
    maxWaitTimeInMs: input.lowVolume ? config.fetchLowVolumeMaxWaitMs : config.fetchMaxWaitMs,
  };
}
