import { parseConfig } from '@hark/config';
import { TEST_MASTER_KEY } from '@hark/privacy';
import { describe, expect, it } from 'vitest';
import { inputFetch, stageSettings } from '../../src/settings.ts';

const KEY = { HARK_PRIVACY_MASTER_KEY: TEST_MASTER_KEY };

describe('stageSettings', () => {
  it('defaults the group to the service name and the ops port to the service’s own', () => {
    const spec = stageSettings({ service: 'tiny', opsPort: 9199 });
    const c = parseConfig(spec, KEY);
    expect(c).toMatchObject({
      groupId: 'tiny',
      opsPort: 9199,
      dlqTopic: 'dlq',
      batchSize: 500,
      dbPoolMax: 4,
      kafkaBrokers: ['127.0.0.1:9092'],
      opsHost: '127.0.0.1',
      httpMaxConnections: 1024,
      fetchMinBytes: 1024 * 1024,
      fetchMaxWaitMs: 75,
    });
  });

  it('takes the fetch batching from FETCH_MIN_BYTES and FETCH_MAX_WAIT_MS, and refuses a negative wait', () => {
    const spec = stageSettings({ service: 'tiny', opsPort: 9199 });
    const c = parseConfig(spec, { ...KEY, FETCH_MIN_BYTES: '1', FETCH_MAX_WAIT_MS: '250' });
    expect(c).toMatchObject({ fetchMinBytes: 1, fetchMaxWaitMs: 250 });
    expect(() => parseConfig(spec, { ...KEY, FETCH_MAX_WAIT_MS: '-1' })).toThrow(
      /FETCH_MAX_WAIT_MS/,
    );
  });

  it('keeps every env name the services were configured with', () => {
    const envs = Object.values(stageSettings({ service: 's', opsPort: 1 })).map((s) => s.env);
    expect(envs.sort()).toEqual(
      [
        'BATCH_SIZE',
        'DATABASE_URL',
        'DB_POOL_MAX',
        'DLQ_TOPIC',
        'FETCH_LOW_VOLUME_MAX_WAIT_MS',
        'FETCH_MAX_WAIT_MS',
        'FETCH_MIN_BYTES',
        'GROUP_ID',
        'HARK_PRIVACY_MASTER_KEY',
        'HARK_PRIVACY_PREVIOUS_MASTER_KEYS',
        'HTTP_HEADERS_TIMEOUT_MS',
        'HTTP_IDLE_TIMEOUT_MS',
        'HTTP_KEEP_ALIVE_TIMEOUT_MS',
        'HTTP_MAX_CONNECTIONS',
        'HTTP_REQUEST_TIMEOUT_MS',
        'KAFKA_BROKERS',
        'LOG_LEVEL',
        'OPS_HOST',
        'OPS_PORT',
        'SCHEMA_REGISTRY_URL',
      ].sort(),
    );
  });

  it('when a service names its own pool bounds and docs, they replace the shared ones only for it', () => {
    const spec = stageSettings({
      service: 's',
      opsPort: 1,
      dbPool: { default: 6, min: 4 },
      docs: { dlqTopic: 'late records go here' },
    });
    expect(spec.dlqTopic.doc).toBe('late records go here');
    expect(spec.dbPoolMax.default).toBe(6);
    expect(() => parseConfig(spec, { ...KEY, DB_POOL_MAX: '3' })).toThrow(/DB_POOL_MAX/);
    expect(stageSettings({ service: 't', opsPort: 1 }).dlqTopic.doc).not.toBe(
      'late records go here',
    );
  });

  it('when the master key is missing, parsing names it', () => {
    expect(() => parseConfig(stageSettings({ service: 's', opsPort: 1 }), {})).toThrow(
      /HARK_PRIVACY_MASTER_KEY is required/,
    );
  });
});

describe('inputFetch', () => {
  const config = { fetchMinBytes: 1 << 20, fetchMaxWaitMs: 75, fetchLowVolumeMaxWaitMs: 1000 };
  it('a low-volume input waits FETCH_LOW_VOLUME_MAX_WAIT_MS, any other FETCH_MAX_WAIT_MS, both for FETCH_MIN_BYTES', () => {
    expect(inputFetch({ lowVolume: true }, config)).toEqual({
      minBytes: 1 << 20,
      maxWaitTimeInMs: 1000,
    });
    expect(inputFetch({}, config)).toEqual({ minBytes: 1 << 20, maxWaitTimeInMs: 75 });
  });
});
