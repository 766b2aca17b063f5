import type { TrainExample, LinearModel } from '../../src/domain/linear-model.ts';
import { linearLogits } from '../../src/domain/linear-model.ts';
import type { ScoringModel } from '../../src/domain/model.ts';
import { normalizeText, type NormalizedText } from '../../src/domain/normalize.ts';
import { lexiconEvidence, scoreText } from '../../src/domain/score-mention.ts';
import { detectServiceCues } from '../../src/domain/service-cues.ts';
import {
  createFeatureBuffer,
  extractSocialFeatures,
  type LexiconEvidence,
} from '../../src/domain/social-features.ts';
import type { SocialModel } from '../../src/domain/social-model.ts';
import { POLARITIES, type ComplaintRow, type Polarity, type SentimentRow } from './real-data.ts';

export interface Evidence {
  norm: NormalizedText;
  lex: LexiconEvidence;
}

/** What the rule-based scorer sees in a post: the same path `scoreText` takes for English. */
export function evidenceOf(text: string, base: ScoringModel): Evidence {
  const norm = normalizeText(text, base.normalize);
  return { norm, lex: lexiconEvidence(norm, base) };
}

export function makeExample(ev: Evidence, buckets: number, y: number, weight = 1): TrainExample {
  const f = extractSocialFeatures(
    ev.norm,
    ev.lex,
    detectServiceCues(ev.norm.clean),
    buckets - 1,
    createFeatureBuffer(),
  );
  return { idx: f.idx.slice(0, f.n), val: Float32Array.from(f.val.subarray(0, f.n)), y, weight };
}

function logitsOf(m: LinearModel, e: TrainExample, bias: number[]): number[] {
  const z = linearLogits({ ...m, bias }, e, [0, 0, 0]);
  return z;
}

export function macroF1(confusion: number[][]): {
  macroF1: number;
  recall: number[];
  precision: number[];
  accuracy: number;
} {
  const k = confusion.length;
  const recall: number[] = [];
  const precision: number[] = [];
  let f1 = 0;
  let correct = 0;
  let total = 0;
  for (let c = 0; c < k; c++) {
    const tp = confusion[c]![c]!;
    const row = confusion[c]!.reduce((a, b) => a + b, 0);
    const col = confusion.reduce((a, r) => a + r[c]!, 0);
    const r = row ? tp / row : 0;
    const p = col ? tp / col : 0;
    recall.push(r);
    precision.push(p);
    f1 += r + p ? (2 * r * p) / (r + p) : 0;
    correct += tp;
    total += row;
  }
  return { macroF1: f1 / k, recall, precision, accuracy: total ? correct / total : 0 };
}

/**
 * Per-class logit offsets chosen on the validation split: the best macro-F1
 * among offsets that keep negative recall at `minNegativeRecall` or more
 * (the target is 75 %), or the best macro-F1 when none does.
 */
export function tuneBias(
  model: LinearModel,
  val: readonly TrainExample[],
  minNegativeRecall = 0.75,
): number[] {
  const logits = val.map((e) => logitsOf(model, e, [0, 0, 0]));
  let best = { score: -Infinity, bias: [0, 0, 0] };
  for (let bn = -1; bn <= 1.5001; bn += 0.05) {
    for (let bp = -1; bp <= 1.0001; bp += 0.05) {
      const conf = [
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ];
      for (let i = 0; i < val.length; i++) {
        const z = logits[i]!;
        const a = z[0]! + bn;
        const b = z[1]!;
        const c = z[2]! + bp;
        const pred = a >= b && a >= c ? 0 : b >= c ? 1 : 2;
        conf[val[i]!.y]![pred]!++;
      }
      const m = macroF1(conf);
      const score = m.macroF1 + (m.recall[0]! >= minNegativeRecall ? 1 : 0);
      if (score > best.score) best = { score, bias: [round(bn), 0, round(bp)] };
    }
  }
  return best.bias;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

export function sentimentReport(
  model: SocialModel,
  base: ScoringModel,
  rows: readonly SentimentRow[],
) {
  const confusion = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  // The whole scorer, as the rollups will see its labels (the corrected shares use this matrix).
  const scoring = withSocial(base, model);
  for (const r of rows) {
    const label = scoreText(r.text, 'en', scoring).sentiment.label;
    const pred = POLARITIES.indexOf(label as Polarity);
    confusion[POLARITIES.indexOf(r.label)]![pred < 0 ? 1 : pred]!++;
  }
  const m = macroF1(confusion);
  return {
    confusion,
    summary: {
      posts: rows.length,
      accuracy: m.accuracy,
      macroF1: m.macroF1,
      recall: Object.fromEntries(POLARITIES.map((p, i) => [p, m.recall[i]])),
      precision: Object.fromEntries(POLARITIES.map((p, i) => [p, m.precision[i]])),
      confusion,
    },
  };
}

/** The whole English scorer with `model` as its learned part, as `scoreText` runs it. */
export function withSocial(base: ScoringModel, model: SocialModel): ScoringModel {
  return { ...base, social: { model, sentimentName: `hark-social-en@${model.version}` } };
}

/** Whether the whole scorer routes each text as a complaint (intent complaint or churn_risk). */
function complaintFlags(scoring: ScoringModel, texts: readonly string[]): boolean[] {
  return texts.map((t) => {
    const label = scoreText(t, 'en', scoring).intent.label;
    return label === 'complaint' || label === 'churn_risk';
  });
}

/**
 * The complaint threshold, through the whole scorer, on the validation
 * splits: among thresholds that keep false complaints on praise (positive
 * tweets) within `maxFalse`, the highest one whose complaint recall reaches
 * `minRecall` (the recall target met with the fewest false complaints on
 * everything else); when none reaches it, the one with the highest recall;
 * when none keeps to `maxFalse`, the one with the fewest false complaints.
 */
export function pickComplaintThreshold(
  model: SocialModel,
  base: ScoringModel,
  complaints: readonly ComplaintRow[],
  praise: readonly SentimentRow[],
  maxFalse: number,
  minRecall = 0.8,
): number {
  const positives = complaints.filter((r) => r.complaint).map((r) => r.text);
  const praiseTexts = praise.map((r) => r.text);
  const grid: { t: number; recall: number; falseRate: number }[] = [];
  for (let i = 5; i <= 95; i += 2) {
    const t = i / 100;
    const scoring = withSocial(base, { ...model, complaintThreshold: t });
    const recall = complaintFlags(scoring, positives).filter(Boolean).length / positives.length;
    const falseRate =
      complaintFlags(scoring, praiseTexts).filter(Boolean).length / praiseTexts.length;
    grid.push({ t, recall, falseRate });
  }
  const allowed = grid.filter((g) => g.falseRate <= maxFalse);
  const meeting = allowed.filter((g) => g.recall >= minRecall);
  const chosen =
    meeting.length > 0
      ? meeting[meeting.length - 1]!
      : allowed.length > 0
        ? allowed.reduce((a, b) => (b.recall > a.recall ? b : a))
        : grid.reduce((a, b) => (b.falseRate < a.falseRate ? b : a));
  console.error(
    `complaint threshold ${chosen.t}: validation recall ${(chosen.recall * 100).toFixed(1)} %, ` +
      `false complaints on praise ${(chosen.falseRate * 100).toFixed(1)} %`,
  );
  return chosen.t;
}

/** Complaint recall and precision on a complaints split, and false complaints on praise, through the whole scorer. */
export function complaintReport(
  model: SocialModel,
  base: ScoringModel,
  complaints: readonly ComplaintRow[],
  praise: readonly SentimentRow[],
) {
  const scoring = withSocial(base, model);
  const flags = complaintFlags(
    scoring,
    complaints.map((r) => r.text),
  );
  const praiseFlags = complaintFlags(
    scoring,
    praise.map((r) => r.text),
  );
  let tp = 0;
  let fp = 0;
  let fn = 0;
  complaints.forEach((r, i) => {
    if (flags[i] && r.complaint) tp++;
    else if (flags[i]) fp++;
    else if (r.complaint) fn++;
  });
  return {
    threshold: model.complaintThreshold,
    posts: complaints.length,
    complaints: tp + fn,
    recall: tp / (tp + fn),
    precision: tp / (tp + fp || 1),
    praisePosts: praise.length,
    falseComplaintsOnPraise: praiseFlags.filter(Boolean).length / praise.length,
  };
}
