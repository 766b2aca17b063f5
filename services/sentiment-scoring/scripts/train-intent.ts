/**
 * Trains the intent classifier from data/train/intent-train.jsonl and writes
 * models/intent-v<version>.json. Deterministic: the same data and params
 * give the same file. The temperature is fitted on a held-out 20 % of the
 * TRAINING data; the evaluation set (data/eval/) is never read here.
 *
 *   npm run train -w @hark/sentiment-scoring [-- --version 2]
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { format } from 'prettier';
import { loadScoringModel } from '../src/adapters/load-model.ts';
import {
  DEFAULT_TRAIN_PARAMS,
  fitTemperature,
  intentFeatures,
  predictIntent,
  toModelFile,
  trainIntentModel,
  type IntentModel,
  type LabeledFeatures,
} from '../src/domain/intent-model.ts';
import { INTENT_LABELS, type IntentLabel } from '../src/domain/intent-rules.ts';
import { normalizeText } from '../src/domain/normalize.ts';
import { scoreSentiment } from '../src/domain/sentiment.ts';
import { evaluate, pct } from '../bench/lib/metrics.ts';

const { values } = parseArgs({
  options: {
    data: {
      type: 'string',
      default: new URL('../data/train/intent-train.jsonl', import.meta.url).pathname,
    },
    version: { type: 'string', default: '1' },
  },
});
const version = Number(values.version);
const dataText = readFileSync(values.data!, 'utf8');
const rows = dataText
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { text: string; intent: IntentLabel });

const empty: IntentModel = {
  name: 'hark-intent',
  version,
  labels: INTENT_LABELS,
  bias: INTENT_LABELS.map(() => 0),
  weights: new Map(),
  temperature: 1,
};
const model = await loadScoringModel({ intentModel: empty, languages: ['en'] });
const en = model.languages.get('en')!;
const examples: LabeledFeatures[] = rows.map((r) => {
  const norm = normalizeText(r.text, en.normalize);
  const s = scoreSentiment(norm, en.lexicon, model.symbols, model.sentimentParams);
  return { features: intentFeatures(norm, s.score, model.intent), label: r.intent };
});

// Stratified 80/20 split by position within each label: deterministic.
const seenPerLabel = new Map<string, number>();
const fit: LabeledFeatures[] = [];
const heldOut: LabeledFeatures[] = [];
for (const ex of examples) {
  const i = seenPerLabel.get(ex.label) ?? 0;
  seenPerLabel.set(ex.label, i + 1);
  (i % 5 === 4 ? heldOut : fit).push(ex);
}

const params = DEFAULT_TRAIN_PARAMS;
const partial = trainIntentModel(fit, params, { name: 'hark-intent', version });
const temperature = fitTemperature(partial, heldOut);
const calibrated = { ...partial, temperature };
const predicted = heldOut.map((ex) => {
  const p = predictIntent(calibrated, ex.features);
  return calibrated.labels[p.indexOf(Math.max(...p))]!;
});
const report = evaluate(
  heldOut.map((e) => e.label),
  predicted,
  INTENT_LABELS,
);

const final = {
  ...trainIntentModel(examples, params, { name: 'hark-intent', version }),
  temperature,
};
const file = toModelFile(final, {
  examples: examples.length,
  features: final.weights.size,
  dataSha256: createHash('sha256').update(dataText).digest('hex'),
  heldOutAccuracy: Math.round(report.accuracy * 1e4) / 1e4,
  heldOutMacroF1: Math.round(report.macroF1 * 1e4) / 1e4,
  params,
});
const out = new URL(`../models/intent-v${version}.json`, import.meta.url);
// Written as the repository's formatter would, so `prettier --check` stays green.
writeFileSync(out, await format(JSON.stringify(file), { parser: 'json', printWidth: 100 }));
console.log(
  `trained ${file.name}@${file.version} on ${examples.length} examples: ${file.training.features} features, ` +
    `temperature ${temperature}, held-out (20% of TRAINING data) accuracy ${pct(report.accuracy)}, macro-F1 ${pct(report.macroF1)}`,
);
console.log(`wrote ${out.pathname}`);
