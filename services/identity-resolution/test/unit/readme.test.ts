import { readFileSync } from 'node:fs';
import { describeConfig } from '@hark/config';
import { describe, expect, it } from 'vitest';
import { configSpec } from '../../src/config.ts';

describe('README', () => {
  it('documents every setting exactly as the config declares it', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(describeConfig(configSpec));
  });
});
