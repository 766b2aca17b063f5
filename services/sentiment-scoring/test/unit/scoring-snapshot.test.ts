import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScoringModel } from '../../src/domain/model.ts';
import { randomDigest, snapshotCases, snapshotLine } from './fixtures/scoring-corpus.ts';
import { testModel } from './model.ts';

// Taken from the scorer before the CPU work of issue 20 (scripts/snapshot-scoring.ts):
// every optimisation of tokenising, features, cues, intent or themes must leave each
// output of each case as it was.
const snapshot = readFileSync(new URL('./fixtures/scoring-snapshot.txt', import.meta.url), 'utf8')
  .trimEnd()
  .split('\n');

let model: ScoringModel;
beforeAll(async () => {
  model = await testModel();
});

describe('scoring snapshot', () => {
  it('scores every case of the corpus exactly as the snapshot says', () => {
    const cases = snapshotCases();
    expect(cases.length).toBeGreaterThan(5000);
    expect(snapshot.length).toBe(cases.length + 1);
    const diffs: string[] = [];
    cases.forEach((c, i) => {
      const got = snapshotLine(c, i, model);
      if (got !== snapshot[i])
        diffs.push(`${JSON.stringify(c.text)}\n  want ${snapshot[i]}\n  got  ${got}`);
    });
    expect(diffs.slice(0, 5).join('\n')).toBe('');
  }, 60_000);

  it('gives the snapshot digest on 40,000 more random posts (20,000 of pieces, 20,000 of characters)', () => {
    expect(randomDigest(20_000, model)).toBe(snapshot[snapshot.length - 1]);
  }, 60_000);
});
