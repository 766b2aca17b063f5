import { describeConfig, parseConfig } from '@hark/config';
import { TEST_MASTER_KEY } from '@hark/privacy';
import { describe, expect, it } from 'vitest';
import { configSpec } from '../../src/config.ts';

// The master key is the one required setting (the keyring that opens encrypted mentions).
const KEY = { HARK_PRIVACY_MASTER_KEY: TEST_MASTER_KEY };

describe('config', () => {
  it('defaults to the standard topics, group and ops port', () => {
    const c = parseConfig(configSpec, KEY);
    expect(c).toMatchObject({
      inputTopic: 'mentions.raw',
      outputTopic: 'mentions.scored',
      dlqTopic: 'dlq',
      groupId: 'sentiment-scoring',
      opsPort: 9102,
      batchSize: 500,
      intentModelPath: 'models/intent-v1.json',
    });
    expect(c.languages).toContain('en');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('when several variables are bad, every problem is reported at once', () => {
    expect(() =>
      parseConfig(configSpec, {
        ...KEY,
        OPS_PORT: 'x',
        SENTIMENT_LANGUAGES: 'en,xx',
        BATCH_SIZE: '0',
      }),
    ).toThrow(
      /OPS_PORT[\s\S]*BATCH_SIZE[\s\S]*SENTIMENT_LANGUAGES|OPS_PORT[\s\S]*SENTIMENT_LANGUAGES[\s\S]*BATCH_SIZE/,
    );
  });

  it('documents every variable for the README', () => {
    const table = describeConfig(configSpec);
    for (const s of Object.values(configSpec)) expect(table).toContain(`\`${s.env}\``);
  });
});
