import { describeConfig } from '@hark/config';
import { describe, expect, it } from 'vitest';
import { TEST_MASTER_KEY } from '@hark/privacy';
import { configSpec, parseRollupConfig } from '../../src/config.ts';

// The privacy master key is required (the keyring opens encrypted mentions).
const KEY = { HARK_PRIVACY_MASTER_KEY: TEST_MASTER_KEY };

function problems(env: Record<string, string>): string[] {
  try {
    parseRollupConfig({ ...KEY, ...env });
  } catch (err) {
    return (err as { context: { problems: string[] } }).context.problems;
  }
  throw new Error('expected a config error');
}

describe('config', () => {
  it('defaults: the standard topics, 7 days of lateness, 90 days of retention, ops on 9104', () => {
    const c = parseRollupConfig(KEY);
    expect(c).toMatchObject({
      mentionsTopic: 'mentions.resolved',
      signalsTopic: 'signals.raw',
      dlqTopic: 'dlq',
      groupId: 'metrics-rollup',
      opsPort: 9104,
      brandsFile: 'deploy/local/brands.yaml',
      batchSize: 500,
    });
    expect(c.lateness.ms).toBe(7 * 86_400_000);
    expect(c.retention.ms).toBe(90 * 86_400_000);
    expect(c.futureTolerance.ms).toBe(15 * 60_000);
  });

  it('reads durations as text', () => {
    const c = parseRollupConfig({ ...KEY, ROLLUP_LATENESS: '36h', RETENTION: '14d' });
    expect(c.lateness.ms).toBe(36 * 3_600_000);
    expect(c.retention.text).toBe('14d');
  });

  it('when retention does not outlast lateness by a day, start is refused: re-deliveries could count twice', () => {
    expect(problems({ ROLLUP_LATENESS: '10d', RETENTION: '10d' })).toEqual([
      'RETENTION (10d) must be at least ROLLUP_LATENESS (10d) + 1d: facts must outlive the lateness so a re-delivered event is recognized',
    ]);
  });

  it('reports every bad variable at once', () => {
    const list = problems({ ROLLUP_LATENESS: 'a week', OPS_PORT: 'x', BATCH_SIZE: '0' });
    expect(list).toHaveLength(3);
    expect(list.join('\n')).toMatch(/ROLLUP_LATENESS/);
    expect(list.join('\n')).toMatch(/OPS_PORT/);
    expect(list.join('\n')).toMatch(/BATCH_SIZE/);
  });

  it('the pool must hold a connection for each consumer, maintenance and the API', () => {
    expect(problems({ DB_POOL_MAX: '3' })[0]).toMatch(/DB_POOL_MAX/);
  });

  it('the README table shows durations as written', () => {
    expect(describeConfig(configSpec)).toContain('| `ROLLUP_LATENESS` | `7d` |');
  });
});
