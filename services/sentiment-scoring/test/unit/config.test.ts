import { describeConfig, parseConfig } from '@hark/config';
import { describe, expect, it } from 'vitest';
import { configSpec } from '../../src/config.ts';

describe('config', () => {
  it('defaults to the standard topics, group and ops port', () => {
    const c = parseConfig(configSpec, {});
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
      parseConfig(configSpec, { OPS_PORT: 'x', SENTIMENT_LANGUAGES: 'en,xx', BATCH_SIZE: '0' }),
    ).toThrow(
      /OPS_PORT[\s\S]*BATCH_SIZE[\s\S]*SENTIMENT_LANGUAGES|OPS_PORT[\s\S]*SENTIMENT_LANGUAGES[\s\S]*BATCH_SIZE/,
    );
  });

  it('documents every variable for the README', () => {
    const table = describeConfig(configSpec);
    for (const s of Object.values(configSpec)) expect(table).toContain(`\`${s.env}\``);
  });
});
