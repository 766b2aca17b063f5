/**
 * Quality of the whole English scorer (lexicon, rules, learned heads) on the
 * real test splits, which no fitting or tuning step read: sentiment on
 * TweetEval's sentiment test (SemEval-2017 4A), complaints on the held-out 20 %
 * of the complaints set. Needs data/external/ (see data/external/README.md);
 * prints a note and exits 0 without it.
 *
 *   npm run bench:real -w @hark/sentiment-scoring [-- --v1]
 */
import { loadScoringModel } from '../src/adapters/load-model.ts';
import { scoreText } from '../src/domain/score-mention.ts';
import {
  hasDataDir,
  loadComplaintSplits,
  loadSentimentSplits,
  POLARITIES,
} from '../scripts/lib/real-data.ts';
import { macroF1 } from '../scripts/lib/social-training.ts';
import { createAfinnPeer, createVaderPeer } from './lib/peers.ts';

if (!hasDataDir()) {
  console.log('bench:real skipped: no data in data/external/ (see data/external/README.md)');
  process.exit(0);
}
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
// --v1: the lexicon and rules alone (hark-social-en@1, the scorer before the learned model).
const v1 = process.argv.includes('--v1');
const model = await loadScoringModel({
  languages: ['en'],
  ...(v1 ? { socialModelPath: false } : {}),
});
const modelName = model.social?.sentimentName ?? 'hark-social-en@1 (lexicon and rules only)';
const sent = loadSentimentSplits();
const comp = loadComplaintSplits();

function sentimentFigures(name: string, rows: typeof sent.test): void {
  const confusion = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  for (const r of rows) {
    const s = scoreText(r.text, 'en', model);
    const pred = POLARITIES.indexOf(s.sentiment.label as (typeof POLARITIES)[number]);
    confusion[POLARITIES.indexOf(r.label)]![pred < 0 ? 1 : pred]!++;
  }
  const m = macroF1(confusion);
  console.log(`sentiment, ${name} (${rows.length} tweets, model ${modelName})`);
  console.log(`  accuracy ${pct(m.accuracy)}, macro-F1 ${pct(m.macroF1)}`);
  POLARITIES.forEach((p, i) =>
    console.log(`  ${p}: recall ${pct(m.recall[i]!)}, precision ${pct(m.precision[i]!)}`),
  );
  console.log(
    `  confusion (rows true neg/neu/pos, columns predicted): ${JSON.stringify(confusion)}`,
  );
}
sentimentFigures('TweetEval test = SemEval-2017 4A', sent.test);
sentimentFigures('held-out 10 % of SemEval-2013…2016', sent.heldOut);

// Peers on the same tweets, same process (see bench/lib/peers.ts for how they label).
for (const peer of [createAfinnPeer(), createVaderPeer()]) {
  for (const [name, rows] of [
    ['TweetEval test', sent.test],
    ['held-out', sent.heldOut],
  ] as const) {
    const confusion = [
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ];
    for (const r of rows) {
      confusion[POLARITIES.indexOf(r.label)]![POLARITIES.indexOf(peer.label(r.text))]!++;
    }
    const m = macroF1(confusion);
    console.log(
      `peer ${peer.name}, ${name}: accuracy ${pct(m.accuracy)}, macro-F1 ${pct(m.macroF1)}, negative recall ${pct(m.recall[0]!)}`,
    );
  }
}

/** Share of positive tweets the scorer routes as a complaint (intent complaint or churn_risk). */
function falseComplaints(rows: typeof sent.test): { rate: number; n: number } {
  const praise = rows.filter((r) => r.label === 'positive');
  const flagged = praise.filter((r) => {
    const label = scoreText(r.text, 'en', model).intent.label;
    return label === 'complaint' || label === 'churn_risk';
  }).length;
  return { rate: flagged / praise.length, n: praise.length };
}
const praiseTest = falseComplaints(sent.test);
const praiseHeldOut = falseComplaints(sent.heldOut);

let tp = 0;
let fn = 0;
let fp = 0;
let tpStrict = 0;
const themes = new Map<string, number>();
for (const r of comp.test) {
  const s = scoreText(r.text, 'en', model);
  const hit = s.intent.label === 'complaint' || s.intent.label === 'churn_risk';
  if (r.complaint) {
    if (hit) tp++;
    else fn++;
    if (s.intent.label === 'complaint') tpStrict++;
    themes.set(s.theme, (themes.get(s.theme) ?? 0) + 1);
  } else if (hit) fp++;
}
console.log(`complaints, held-out test split (${comp.test.length} tweets, ${tp + fn} complaints)`);
console.log(
  `  recall (intent complaint or churn_risk) ${pct(tp / (tp + fn))}; intent complaint alone ${pct(tpStrict / (tp + fn))}; precision ${pct(tp / (tp + fp))}`,
);
console.log(
  `  false complaints on praise (positive tweets read as complaint or churn_risk): ` +
    `${pct(praiseTest.rate)} of ${praiseTest.n} TweetEval test; ${pct(praiseHeldOut.rate)} of ${praiseHeldOut.n} held-out`,
);
console.log(
  `  themes of the test complaints: ${[...themes]
    .sort((a, b) => b[1] - a[1])
    .map(([t, n]) => `${t} ${n}`)
    .join(', ')}`,
);
