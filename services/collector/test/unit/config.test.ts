import { readFileSync } from 'node:fs';
import { describeConfig, parseConfig } from '@hark/config';
import { TEST_MASTER_KEY } from '@hark/privacy';
import { describe, expect, it } from 'vitest';
import { collectorSettings } from '../../src/config.ts';

const env = {
  COLLECTOR_API_KEYS: 'crm=crm-key-0123456789abcdef,0123456789abcdef-bare',
  HARK_PRIVACY_MASTER_KEY: TEST_MASTER_KEY,
};

describe('collector config', () => {
  it('parses named and bare API keys, with defaults for everything else', () => {
    const config = parseConfig(collectorSettings, env);
    expect(config.apiKeys).toEqual([
      { name: 'crm', key: 'crm-key-0123456789abcdef' },
      { name: 'key2', key: '0123456789abcdef-bare' },
    ]);
    expect(config).toMatchObject({
      apiPort: 8080,
      opsPort: 9101,
      mentionsTopic: 'mentions.raw',
      bodyLimitBytes: 5 * 1024 * 1024,
      produceTimeoutMs: 5000,
      privacyEncrypt: true,
      privacyHashEmails: true,
      privacyRedactTextContacts: true,
    });
  });

  it('requires the privacy master key and refuses one that is not 32 bytes, without echoing it', () => {
    expect(() =>
      parseConfig(collectorSettings, { COLLECTOR_API_KEYS: env.COLLECTOR_API_KEYS }),
    ).toThrow(/HARK_PRIVACY_MASTER_KEY is required/);
    const short = Buffer.alloc(16, 7).toString('base64');
    try {
      parseConfig(collectorSettings, { ...env, HARK_PRIVACY_MASTER_KEY: short });
      throw new Error('expected a failure');
    } catch (err) {
      expect((err as Error).message).toMatch(/32 bytes/);
      expect((err as Error).message).not.toContain(short);
    }
  });

  it('requires API keys and refuses short ones without echoing them', () => {
    expect(() => parseConfig(collectorSettings, {})).toThrow(/COLLECTOR_API_KEYS is required/);
    try {
      parseConfig(collectorSettings, { COLLECTOR_API_KEYS: 'a=short' });
      throw new Error('expected a failure');
    } catch (err) {
      expect((err as Error).message).toMatch(/at least 16 characters/);
      expect((err as Error).message).not.toContain('short');
    }
  });

  it('documents every setting for the README, secrets hidden', () => {
    const table = describeConfig(collectorSettings);
    expect(table).toContain('| `COLLECTOR_API_KEYS` | (required) |');
    expect(table).toContain('| `API_PORT` | `8080` |');
  });

  it('the README config table is the one describeConfig renders', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = /<!-- config-table:start -->\n([\s\S]*?)\n<!-- config-table:end -->/.exec(
      readme,
    )?.[1];
    expect(section).toBe(describeConfig(collectorSettings));
  });
});
