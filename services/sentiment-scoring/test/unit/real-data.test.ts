import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  dedupeKey,
  loadComplaintSplits,
  loadSentimentSplits,
} from '../../scripts/lib/real-data.ts';

// Hand-made files in the layout data/external/README.md describes (no real data).
const dir = mkdtempSync(join(tmpdir(), 'hark-external-'));
const SEMEVAL = [
  'twitter-2013train-A.txt',
  'twitter-2013dev-A.txt',
  'twitter-2013test-A.txt',
  'twitter-2014test-A.txt',
  'twitter-2014sarcasm-A.txt',
  'twitter-2015train-A.txt',
  'twitter-2015test-A.txt',
  'twitter-2016train-A.txt',
  'twitter-2016dev-A.txt',
  'twitter-2016devtest-A.txt',
  'twitter-2016test-A.txt',
];
mkdirSync(join(dir, 'tweeteval'));
mkdirSync(join(dir, 'semeval2017'));
mkdirSync(join(dir, 'complaints'));
writeFileSync(
  join(dir, 'tweeteval', 'test_text.txt'),
  ['@user the test tweet about a broken router', 'a second test tweet, neutral', 'love it'].join(
    '\n',
  ) + '\n',
);
writeFileSync(join(dir, 'tweeteval', 'test_labels.txt'), '0\n1\n2\n');
const pool = Array.from({ length: 200 }, (_, i) => `1${i}\tneutral\tplain tweet number ${i}`);
writeFileSync(
  join(dir, 'semeval2017', SEMEVAL[0]!),
  [
    ...pool,
    '9001\tnegative\t@someone The test tweet about a broken router http://t.co/x',
    '9002\tnegative\t@united lost my bag again',
    '9003\tpositive\tgreat day\\u2019s end',
    '9004\tpositive\tgreat day\\u2019s end',
    '9005\tunknown\tnot a label',
  ].join('\n'),
);
for (const f of SEMEVAL.slice(1)) writeFileSync(join(dir, 'semeval2017', f), '');
writeFileSync(
  join(dir, 'complaints', 'complaints-data.csv'),
  [
    '1,"@shop my order never came, again",1,retail',
    '2,@shop thanks!,0,retail',
    '3,@JetBlue flight delayed 3 hours,1,transport',
    '4,my @AmericanAir bag is gone,1,other',
    ...Array.from({ length: 50 }, (_, i) => `${100 + i},tweet ${i},${i % 2},software`),
  ].join('\n') + '\n',
);

describe('real data splits', () => {
  const s = loadSentimentSplits(dir);
  const fitted = [...s.fit, ...s.validation, ...s.heldOut];

  it('no test tweet is fitted, validated or held out, even with other handles and links', () => {
    const test = new Set(s.test.map((r) => dedupeKey(r.text)));
    expect(fitted.filter((r) => test.has(dedupeKey(r.text)))).toEqual([]);
    expect(s.test).toHaveLength(3);
    expect(s.test.map((r) => r.label)).toEqual(['negative', 'neutral', 'positive']);
  });

  it('a tweet naming an airline is never used, duplicates count once, unknown labels are skipped', () => {
    expect(fitted.some((r) => /united/i.test(r.text))).toBe(false);
    expect(fitted.filter((r) => r.text === 'great day’s end')).toHaveLength(1);
    expect(fitted).toHaveLength(201);
  });

  it('fit, validation and held-out are disjoint, about 80/10/10, and the same on every load', () => {
    const keys = fitted.map((r) => dedupeKey(r.text));
    expect(new Set(keys).size).toBe(keys.length);
    expect(s.fit.length).toBeGreaterThan(140);
    expect(s.validation.length).toBeGreaterThan(5);
    expect(s.heldOut.length).toBeGreaterThan(5);
    expect(loadSentimentSplits(dir)).toEqual(s);
  });

  it('the complaints corpus drops its transport domain and airline mentions, and keeps quoted commas', () => {
    const c = loadComplaintSplits(dir);
    const all = [...c.fit, ...c.validation, ...c.test];
    expect(all.some((r) => r.domain === 'transport' || /americanair/i.test(r.text))).toBe(false);
    expect(all.find((r) => r.id === '1')).toMatchObject({
      text: '@shop my order never came, again',
      complaint: true,
    });
    expect(all).toHaveLength(52);
    expect(new Set(all.map((r) => r.id)).size).toBe(52);
  });
});
