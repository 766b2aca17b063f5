/**
 * Trains the learned English model (sentiment + complaint heads) from the
 * public sets in data/external/ (see data/external/README.md) and writes
 * models/social-v<version>.json. Deterministic for the same data and seed.
 *
 * Fitting reads the fit splits only. The sentiment biases and the complaint
 * threshold are chosen on the validation splits, the threshold through the
 * whole scorer (rules + heads, as `scoreText` runs them). The test splits
 * are read once, at the end, for the confusion matrix (which the rollups use
 * to correct shares) and the figures written into the file; `--no-test`
 * skips them for experiments.
 *
 *   npm run train:social -w @hark/sentiment-scoring [-- --version 2 --data <dir>]
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { format, resolveConfig } from 'prettier';
import { loadScoringModel } from '../src/adapters/load-model.ts';
import { trainLinearModel, type TrainExample } from '../src/domain/linear-model.ts';
import { SOCIAL_LABELS, toSocialModelFile, type SocialModel } from '../src/domain/social-model.ts';
import {
  DEFAULT_DATA_DIR,
  dedupeKey,
  loadComplaintSplits,
  loadEmotionFit,
  loadSentimentSplits,
  POLARITIES,
} from './lib/real-data.ts';
import {
  complaintReport,
  evidenceOf,
  makeExample,
  pickComplaintThreshold,
  sentimentReport,
  tuneBias,
} from './lib/social-training.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: DEFAULT_DATA_DIR },
    version: { type: 'string', default: '2' },
    buckets: { type: 'string', default: String(2 ** 17) },
    epochs: { type: 'string', default: '3' },
    'learning-rate': { type: 'string', default: '0.1' },
    l2: { type: 'string', default: '1e-6' },
    seed: { type: 'string', default: '19' },
    'max-false': { type: 'string', default: '0.01' },
    'min-negative-recall': { type: 'string', default: '0.75' },
    // 5 points over the 80 %: the validation split has 160 complaints (±3 points).
    'min-complaint-recall': { type: 'string', default: '0.85' },
    'no-test': { type: 'boolean', default: false },
    emotion: { type: 'boolean', default: false },
  },
});
const version = Number(values.version);
const buckets = Number(values.buckets);
const params = {
  epochs: Number(values.epochs),
  learningRate: Number(values['learning-rate']),
  l2: Number(values.l2),
  seed: Number(values.seed),
};

const base = await loadScoringModel({ languages: ['en'], socialModelPath: false });
const sent = loadSentimentSplits(values.data);
const comp = loadComplaintSplits(values.data);
if (values.emotion) {
  const held = new Set(
    [...sent.validation, ...sent.heldOut, ...sent.test].map((r) => dedupeKey(r.text)),
  );
  sent.fit.push(...loadEmotionFit(values.data).filter((r) => !held.has(dedupeKey(r.text))));
}
console.error(
  `sentiment fit ${sent.fit.length}, validation ${sent.validation.length}, held-out ${sent.heldOut.length}, ` +
    `test ${sent.test.length}; complaints fit ${comp.fit.length}, validation ${comp.validation.length}, ` +
    `test ${comp.test.length}`,
);

const ex = (text: string, y: number, weight = 1): TrainExample =>
  makeExample(evidenceOf(text, base), buckets, y, weight);

// Sentiment head: balanced class weights, so the rare negative class is not drowned.
const counts = [0, 0, 0];
for (const r of sent.fit) counts[POLARITIES.indexOf(r.label)]!++;
const classWeight = counts.map((c) => sent.fit.length / (3 * c));
const sentFit = sent.fit.map((r) => {
  const y = POLARITIES.indexOf(r.label);
  return ex(r.text, y, classWeight[y]);
});
const sentiment = trainLinearModel(sentFit, 3, buckets, params);
const sentVal = sent.validation.map((r) => ex(r.text, POLARITIES.indexOf(r.label)));
sentiment.bias = tuneBias(sentiment, sentVal, Number(values['min-negative-recall']));

// Complaint head: the complaints set's fit split, plus positive tweets of the
// sentiment fit split as non-complaints (praise must not read as a complaint).
const compFit: TrainExample[] = comp.fit.map((r) => ex(r.text, r.complaint ? 1 : 0));
const praiseFit = sentFit.filter((e) => e.y === 2);
const praiseWeight = (0.5 * compFit.length) / praiseFit.length;
for (const e of praiseFit) compFit.push({ ...e, y: 0, weight: praiseWeight });
const complaint = trainLinearModel(compFit, 1, buckets, { ...params, seed: params.seed + 1 });

const model: SocialModel = {
  name: 'hark-social-learned',
  version,
  buckets,
  sentiment,
  complaint,
  complaintThreshold: 0.5,
  confusion: [],
};

const valPraise = sent.validation.filter((r) => r.label === 'positive');
model.complaintThreshold = pickComplaintThreshold(
  model,
  base,
  comp.validation,
  valPraise,
  Number(values['max-false']),
  Number(values['min-complaint-recall']),
);
const validation = {
  sentiment: sentimentReport(model, base, sent.validation).summary,
  complaint: complaintReport(model, base, comp.validation, valPraise),
};
console.error(JSON.stringify({ validation }, null, 2));

// An experiment (--no-test) keeps the validation confusion so the file loads; never ship one.
const testReport = values['no-test'] ? undefined : sentimentReport(model, base, sent.test);
model.confusion = testReport?.confusion ?? validation.sentiment.confusion;
const test = testReport && {
  sentimentTweetEval: testReport.summary,
  sentimentHeldOut: sentimentReport(model, base, sent.heldOut).summary,
  complaint: complaintReport(
    model,
    base,
    comp.test,
    sent.test.filter((r) => r.label === 'positive'),
  ),
};

const training = {
  data: {
    sentimentFit: `SemEval-2013…2016 Twitter subtask A, 80 % by text hash (${sent.fit.length} tweets after removing duplicates, 2017 test texts and airline mentions)`,
    sentimentValidation: `10 % of the same pool (${sent.validation.length})`,
    sentimentHeldOut: `10 % of the same pool, never fitted or tuned on (${sent.heldOut.length})`,
    sentimentTest: `TweetEval sentiment test = SemEval-2017 4A test (${sent.test.length})`,
    complaints: `Preotiuc-Pietro et al. 2019 without transport: fit ${comp.fit.length}, validation ${comp.validation.length}, test ${comp.test.length}`,
  },
  params: {
    ...params,
    buckets,
    classWeight,
    praiseWeight,
    maxFalse: Number(values['max-false']),
    minComplaintRecall: Number(values['min-complaint-recall']),
  },
  labels: SOCIAL_LABELS,
  validation,
  test: test ?? 'not measured (--no-test): an experiment, not a release',
};
const out = new URL(`../models/social-v${version}.json`, import.meta.url);
// Formatted as the repository's prettier check wants it, so a retrained file passes lint.
const text = await format(JSON.stringify(toSocialModelFile(model, training)), {
  ...(await resolveConfig(out.pathname)),
  filepath: out.pathname,
});
writeFileSync(out, text);
const sha = createHash('sha256').update(text).digest('hex');
console.log(JSON.stringify({ out: out.pathname, sha256: sha, bytes: text.length, test }, null, 2));
