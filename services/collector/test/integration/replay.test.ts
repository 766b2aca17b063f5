import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashEmail } from '@hark/privacy';
import type { ReplaySummary } from '../../src/cli/replay.ts';
import { API_KEY, startCollector, type Harness } from './harness.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const fixture = (p: string) => fileURLToPath(new URL(`../fixtures/replay/${p}`, import.meta.url));
let h: Harness;

beforeAll(async () => {
  h = await startCollector();
});
afterAll(async () => {
  await h?.close();
});

/** Runs the CLI as a user would, from the repository root. */
function replay(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'services/collector/src/cli/replay.ts', ...args],
      {
        cwd: ROOT,
        env: { ...process.env, COLLECTOR_API_KEY: API_KEY },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('hark replay', () => {
  it('replays a JSONL file through the API and sums up read, accepted and rejected by reason', async () => {
    const run = await replay([
      fixture('backfill.jsonl'),
      '--url',
      h.url,
      '--batch',
      '3',
      '--rate',
      '50',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as ReplaySummary;
    expect(summary).toMatchObject({
      read: 7,
      accepted: 3,
      unmatched: 1,
      rejected: 3,
      rejectedByReason: { invalid_timestamp: 1, negative_count: 1, malformed_json: 1 },
      failed: 0,
    });
    expect(summary.samples.map((s) => [s.line, s.reason])).toEqual([
      [5, 'invalid_timestamp'],
      [6, 'negative_count'],
      [7, 'malformed_json'],
    ]);
    const mentions = await h.mentions(3);
    expect(mentions.map((m) => m.key).sort()).toEqual(['x:7001', 'x:7002', 'x:7007']);
    expect(mentions[0]!.value.source).toEqual({ kind: 'replay', name: 'backfill.jsonl' });
    // Not a terminal: progress comes as plain lines (or none for a short run), never a redrawn bar.
    expect(run.stderr).not.toContain('\u001b[');
  });

  it('replays a CSV export, and prints a human summary by default', async () => {
    const run = await replay([fixture('reviews.csv'), '--url', h.url]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/read {7}4/);
    expect(run.stdout).toMatch(/accepted {3}2/);
    expect(run.stdout).toMatch(/rejected {3}2/);
    expect(run.stdout).toContain('line 4: rating: invalid_value');
    const reviews = (await h.mentions(5)).filter((m) => m.value.platform === 'review');
    expect(reviews.map((m) => [m.key, m.value.rating, m.value.author.email])).toEqual(
      expect.arrayContaining([
        ['review:r-1', 3, hashEmail('carla@example.net')],
        ['review:r-2', 5, null],
      ]),
    );
  });

  it('exits 2 with usage when arguments are wrong, and 1 when the API key is refused', async () => {
    const usage = await replay(['nope.txt', '--url', h.url]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: replay');
    const refused = await replay([
      fixture('backfill.jsonl'),
      '--url',
      h.url,
      '--api-key',
      'wrong-key-0123456789',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('refused the API key');
  });
});
