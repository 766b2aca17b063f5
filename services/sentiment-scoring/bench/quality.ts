/**
 * Quality benchmark: accuracy, macro-F1 and per-class recall for sentiment
 * (hark vs plain AFINN through natural vs VADER, same run, same posts) and
 * intent, on the hand-written evaluation set in data/eval/.
 *
 *   npm run bench:quality -w @hark/sentiment-scoring
 *   npm run bench:quality -w @hark/sentiment-scoring -- --set train --errors 40
 *
 * `--set train` reports on the training file instead (the development set
 * used to set thresholds). Listing individual errors is only offered for
 * the training set, so nobody tunes against the evaluation set by accident.
 */
import { parseArgs } from 'node:util';
import { loadScoringModel } from '../src/adapters/load-model.ts';
import { INTENT_LABELS } from '../src/domain/intent-rules.ts';
import { scoreText, type TextScore } from '../src/domain/score-mention.ts';
import {
  loadEvalSet,
  loadMultilingualSet,
  loadTrainSet,
  type LabeledPost,
} from './lib/datasets.ts';
import { evaluate, pct, type ClassReport } from './lib/metrics.ts';
import { createAfinnPeer, createVaderPeer } from './lib/peers.ts';

const SENTIMENT_LABELS = ['negative', 'neutral', 'positive'] as const;

const { values } = parseArgs({
  options: {
    set: { type: 'string', default: 'eval' },
    errors: { type: 'string', default: '0' },
  },
});
if (values.set !== 'eval' && values.set !== 'train') throw new Error('--set must be eval or train');
if (values.set === 'eval' && Number(values.errors) > 0) {
  throw new Error(
    '--errors is only available with --set train: the evaluation set is not for tuning',
  );
}

const model = await loadScoringModel({});
const posts: LabeledPost[] = values.set === 'eval' ? loadEvalSet() : loadTrainSet();
const ours = posts.map((p) => scoreText(p.text, null, model));
const peers = [createAfinnPeer(), createVaderPeer()];

const title =
  values.set === 'eval'
    ? 'EVALUATION set (data/eval, hand-written, never used for tuning)'
    : 'DEVELOPMENT = training set (data/train)';
console.log(`# sentiment-scoring quality: ${title}\n`);
console.log(
  `posts: ${posts.length}; models: ${model.languages.get('en')!.model}, ${model.intent.name}\n`,
);
printDistribution(posts);

console.log('## Sentiment (negative / neutral / positive)\n');
const gold = posts.map((p) => p.sentiment);
const rows: [string, ClassReport][] = [
  [
    'hark (this service)',
    evaluate(
      gold,
      ours.map((o) => o.sentiment.label),
      SENTIMENT_LABELS,
    ),
  ],
  ...peers.map((peer): [string, ClassReport] => [
    peer.name,
    evaluate(
      gold,
      posts.map((p) => peer.label(p.text)),
      SENTIMENT_LABELS,
    ),
  ]),
];
console.log(
  '| system | accuracy | macro-F1 | recall negative | recall neutral | recall positive |',
);
console.log('|---|---|---|---|---|---|');
for (const [name, r] of rows) {
  console.log(
    `| ${name} | ${pct(r.accuracy)} | ${pct(r.macroF1)} | ${SENTIMENT_LABELS.map((l) => pct(r.perClass[l]!.recall)).join(' | ')} |`,
  );
}
const unknown = ours.filter((o) => o.sentiment.label === 'unknown').length;
console.log(
  `\n(${unknown} of ${posts.length} posts were labelled unknown by hark's language detection; they count as errors.)\n`,
);
printConfusion('hark sentiment', rows[0]![1], SENTIMENT_LABELS);

console.log('## Intent\n');
const intentReport = evaluate(
  posts.map((p) => p.intent),
  ours.map((o) => o.intent.label),
  INTENT_LABELS,
);
console.log(`accuracy ${pct(intentReport.accuracy)}, macro-F1 ${pct(intentReport.macroF1)}\n`);
console.log('| intent | support | precision | recall | F1 |');
console.log('|---|---|---|---|---|');
for (const l of INTENT_LABELS) {
  const c = intentReport.perClass[l]!;
  console.log(`| ${l} | ${c.support} | ${pct(c.precision)} | ${pct(c.recall)} | ${pct(c.f1)} |`);
}
console.log('');
printConfusion('hark intent', intentReport, INTENT_LABELS);
printSources(posts, ours);
printCalibration(posts, ours);

if (values.set === 'eval') printMultilingual();
printErrors(Number(values.errors));

function printDistribution(ps: LabeledPost[]): void {
  const count = (f: (p: LabeledPost) => string | undefined) => {
    const m = new Map<string, number>();
    for (const p of ps) m.set(f(p) ?? '-', (m.get(f(p) ?? '-') ?? 0) + 1);
    return [...m]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  };
  console.log(`sentiment: ${count((p) => p.sentiment)}`);
  console.log(`intent: ${count((p) => p.intent)}`);
  console.log(`industry: ${count((p) => p.industry)}`);
  if (ps.some((p) => p.platform)) console.log(`platform: ${count((p) => p.platform)}`);
  console.log('');
}

function printConfusion(name: string, r: ClassReport, labels: readonly string[]): void {
  const cols = [
    ...labels,
    ...(Object.values(r.confusion).some((row) => 'unknown' in row) ? ['unknown'] : []),
  ];
  console.log(`${name} confusion (rows = gold, columns = predicted):\n`);
  console.log(`| gold \\ predicted | ${cols.join(' | ')} |`);
  console.log(`|---|${cols.map(() => '---').join('|')}|`);
  for (const g of labels)
    console.log(`| ${g} | ${cols.map((c) => r.confusion[g]?.[c] ?? 0).join(' | ')} |`);
  console.log('');
}

function printSources(ps: LabeledPost[], out: TextScore[]): void {
  const by = new Map<string, { n: number; ok: number }>();
  out.forEach((o, i) => {
    const key = o.intent.source.startsWith('rule:') ? 'strong rule' : o.intent.source;
    const s = by.get(key) ?? { n: 0, ok: 0 };
    s.n++;
    if (o.intent.label === ps[i]!.intent) s.ok++;
    by.set(key, s);
  });
  console.log('intent decided by:\n');
  console.log('| source | posts | accuracy |');
  console.log('|---|---|---|');
  for (const [k, s] of by) console.log(`| ${k} | ${s.n} | ${pct(s.ok / s.n)} |`);
  console.log('');
}

function printCalibration(ps: LabeledPost[], out: TextScore[]): void {
  const bins = [0, 0.5, 0.7, 0.85, 0.95, 1.01];
  console.log('intent confidence vs. observed accuracy:\n');
  console.log('| confidence | posts | accuracy |');
  console.log('|---|---|---|');
  for (let b = 0; b < bins.length - 1; b++) {
    const idx = out
      .map((_, i) => i)
      .filter(
        (i) => out[i]!.intent.confidence >= bins[b]! && out[i]!.intent.confidence < bins[b + 1]!,
      );
    if (idx.length === 0) continue;
    const ok = idx.filter((i) => out[i]!.intent.label === ps[i]!.intent).length;
    console.log(
      `| ${bins[b]!.toFixed(2)}–${Math.min(1, bins[b + 1]!).toFixed(2)} | ${idx.length} | ${pct(ok / idx.length)} |`,
    );
  }
  console.log('');
}

function printMultilingual(): void {
  const ml = loadMultilingualSet();
  const res = ml.map((p) => scoreText(p.text, null, model));
  const supported = new Set(model.languages.keys());
  const langOk = ml.filter((p, i) => res[i]!.lang === p.lang).length;
  console.log(`## Languages (data/eval/multilingual.jsonl, ${ml.length} posts)\n`);
  console.log(`language detected correctly: ${langOk}/${ml.length} (${pct(langOk / ml.length)})\n`);
  const sup = ml.map((p, i) => ({ p, r: res[i]! })).filter(({ p }) => supported.has(p.lang!));
  const uns = ml.map((p, i) => ({ p, r: res[i]! })).filter(({ p }) => !supported.has(p.lang!));
  const r = evaluate(
    sup.map(({ p }) => p.sentiment),
    sup.map(({ r }) => r.sentiment.label),
    SENTIMENT_LABELS,
  );
  console.log(
    `supported languages (${[...new Set(sup.map(({ p }) => p.lang))].join(', ')}; ${sup.length} posts): ` +
      `sentiment accuracy ${pct(r.accuracy)}, macro-F1 ${pct(r.macroF1)}`,
  );
  const unk = uns.filter(({ r }) => r.sentiment.label === 'unknown').length;
  console.log(
    `unsupported languages (${[...new Set(uns.map(({ p }) => p.lang))].join(', ')}; ${uns.length} posts): ` +
      `labelled unknown ${unk}/${uns.length}\n`,
  );
}

function printErrors(limit: number): void {
  if (limit <= 0) return;
  console.log(`## First ${limit} disagreements (development set)\n`);
  let shown = 0;
  posts.forEach((p, i) => {
    const o = ours[i]!;
    if (shown >= limit || (o.sentiment.label === p.sentiment && o.intent.label === p.intent))
      return;
    shown++;
    console.log(
      `- ${JSON.stringify(p.text)}\n  gold ${p.sentiment}/${p.intent}, got ${o.sentiment.label} (${o.sentiment.score})/${o.intent.label} (${o.intent.confidence}, ${o.intent.source})`,
    );
  });
}
