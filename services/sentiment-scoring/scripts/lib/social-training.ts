import type { TrainExample, LinearModel } from '../../src/domain/linear-model.ts';
import { linearLogits, sigmoid } from '../../src/domain/linear-model.ts';
import type { ScoringModel } from '../../src/domain/model.ts';
import { normalizeText, type NormalizedText } from '../../src/domain/normalize.ts';
import { lexiconEvidence } from '../../src/domain/score-mention.ts';
import { detectServiceCues } from '../../src/domain/service-cues.ts';
import { extractSocialFeatures, type LexiconEvidence } from '../../src/domain/social-features.ts';
import { scoreSocial, type SocialModel } from '../../src/domain/social-model.ts';
import { POLARITIES, type ComplaintRow, type SentimentRow } from './real-data.ts';

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
  const f = extractSocialFeatures(ev.norm, ev.lex, detectServiceCues(ev.norm.clean), buckets - 1, {
    idx: [],
    val: [],
  });
  return { idx: Int32Array.from(f.idx), val: Float32Array.from(f.val), y, weight };
}

function logitsOf(m: LinearModel, e: TrainExample, bias: number[]): number[] {
  const z = linearLogits({ ...m, bias }, { idx: e.idx as never, val: e.val as never }, [0, 0, 0]);
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
 * among offsets that keep negative recall at 75 % or more (the issue's
 * target), or the best macro-F1 when none does.
 */
export function tuneBias(model: LinearModel, val: readonly TrainExample[]): number[] {
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
      const score = m.macroF1 + (m.recall[0]! >= 0.75 ? 1 : 0);
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
  const buf = { idx: [], val: [] };
  for (const r of rows) {
    const ev = evidenceOf(r.text, base);
    const s = scoreSocial(ev.norm, ev.lex, model, buf);
    confusion[POLARITIES.indexOf(r.label)]![POLARITIES.indexOf(s.label)]!++;
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

function complaintProbs(
  model: SocialModel,
  base: ScoringModel,
  texts: readonly string[],
): number[] {
  const buf = { idx: [], val: [] };
  return texts.map((t) => {
    const ev = evidenceOf(t, base);
    return scoreSocial(ev.norm, ev.lex, model, buf).complaint;
  });
}

/** The lowest threshold whose false-complaint rate on praise stays within `maxFalse`. */
export function pickComplaintThreshold(
  model: SocialModel,
  base: ScoringModel,
  complaints: readonly ComplaintRow[],
  praise: readonly SentimentRow[],
  maxFalse: number,
): number {
  const pc = complaintProbs(
    model,
    base,
    complaints.map((r) => r.text),
  );
  const pp = complaintProbs(
    model,
    base,
    praise.map((r) => r.text),
  );
  let chosen = 0.95;
  for (let t = 0.95; t >= 0.05; t -= 0.01) {
    const falseRate = pp.filter((p) => p >= t).length / pp.length;
    if (falseRate > maxFalse) break;
    chosen = t;
  }
  const recall =
    pc.filter((p, i) => p >= chosen && complaints[i]!.complaint).length /
    complaints.filter((r) => r.complaint).length;
  console.error(
    `complaint threshold ${chosen.toFixed(2)}: validation recall ${(recall * 100).toFixed(1)} %`,
  );
  return round(chosen);
}

export function complaintReport(
  model: SocialModel,
  base: ScoringModel,
  complaints: readonly ComplaintRow[],
  praise: readonly SentimentRow[],
) {
  const pc = complaintProbs(
    model,
    base,
    complaints.map((r) => r.text),
  );
  const pp = complaintProbs(
    model,
    base,
    praise.map((r) => r.text),
  );
  const t = model.complaintThreshold;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  complaints.forEach((r, i) => {
    const hit = pc[i]! >= t;
    if (hit && r.complaint) tp++;
    else if (hit) fp++;
    else if (r.complaint) fn++;
  });
  return {
    threshold: t,
    posts: complaints.length,
    complaints: tp + fn,
    recall: tp / (tp + fn),
    precision: tp / (tp + fp || 1),
    praisePosts: praise.length,
    falseComplaintsOnPraise: pp.filter((p) => p >= t).length / pp.length,
  };
}

export { sigmoid };
