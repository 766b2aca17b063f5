import { readFileSync } from 'node:fs';
import { describeConfig, parseConfig } from '@hark/config';
import { describe, expect, it } from 'vitest';
import { registrySettings } from '../../src/config.ts';

describe('registry config', () => {
  it('when nothing is set, listens on 127.0.0.1:8081 against the local hark database', () => {
    expect(parseConfig(registrySettings, {})).toEqual({
      port: 8081,
      host: '127.0.0.1',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/hark',
      logLevel: 'info',
      readers: [],
      writers: [],
      httpHeadersTimeoutMs: 10_000,
      httpRequestTimeoutMs: 60_000,
      httpIdleTimeoutMs: 70_000,
      httpKeepAliveTimeoutMs: 65_000,
      httpMaxConnections: 1024,
    });
  });

  it('when a variable is malformed, names it', () => {
    expect(() => parseConfig(registrySettings, { SCHEMA_REGISTRY_PORT: 'eighty' })).toThrow(
      /SCHEMA_REGISTRY_PORT/,
    );
  });

  it('the README documents every setting as describeConfig renders it', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(describeConfig(registrySettings));
  });
});
