import {
  decodeWeights,
  encodeWeights,
  sigmoid,
  softmaxInPlace,
  type LinearModel,
} from './linear-model.ts';
import type { NormalizedText } from './normalize.ts';
import { detectServiceCues, type ServiceCues } from './service-cues.ts';
import {
  createFeatureBuffer,
  extractSocialFeatures,
  type FeatureBuffer,
  type LexiconEvidence,
} from './social-features.ts';

const JOINT_WEIGHTS = new WeakMap<SocialModel, Float32Array>();

/** The two heads' weights interleaved per bucket, so a feature reads one cache line. */
function jointWeights(model: SocialModel): Float32Array {
  const out = new Float32Array(model.buckets * 4);
  const s = model.sentiment.weights;
  const c = model.complaint.weights;
  for (let b = 0; b < model.buckets; b++) {
    out[b * 4] = s[b * 3]!;
    out[b * 4 + 1] = s[b * 3 + 1]!;
    out[b * 4 + 2] = s[b * 3 + 2]!;
    out[b * 4 + 3] = c[b]!;
  }
  return out;
}

export const SOCIAL_LABELS = ['negative', 'neutral', 'positive'] as const;
export type SocialLabel = (typeof SOCIAL_LABELS)[number];

/**
 * The learned English model: a 3-class sentiment head and a complaint head
 * over the same hashed features (words, bigrams, character 4-grams, the
 * lexicon's verdict and the service cues). Trained on public labelled tweets
 * by `scripts/train-social.ts`; the file also carries the confusion matrix
 * measured on the test split, which the rollups use to correct shares.
 */
export interface SocialModel {
  name: string;
  version: number;
  buckets: number;
  sentiment: LinearModel;
  complaint: LinearModel;
  /** Complaint probability from which a post counts as a complaint. */
  complaintThreshold: number;
  /**
   * Rows: true label, columns: predicted label, in SOCIAL_LABELS order, counted
   * on the sentiment test split.
   */
  confusion: number[][];
}

export interface SocialScore {
  label: SocialLabel;
  /** P(positive) − P(negative), in [-1, 1]. */
  score: number;
  probs: [number, number, number];
  complaint: number;
  cues: ServiceCues;
}

/** Scores one normalised English post; `buf` is reused between calls to spare allocations. */
export function scoreSocial(
  norm: NormalizedText,
  lex: LexiconEvidence,
  model: SocialModel,
  buf: FeatureBuffer = createFeatureBuffer(),
): SocialScore {
  const cues = detectServiceCues(norm.clean);
  extractSocialFeatures(norm, lex, cues, model.buckets - 1, buf);
  // Both heads in one pass over the features: [negative, neutral, positive, complaint] per bucket.
  let joint = JOINT_WEIGHTS.get(model);
  if (!joint) JOINT_WEIGHTS.set(model, (joint = jointWeights(model)));
  const z: [number, number, number] = [
    model.sentiment.bias[0] ?? 0,
    model.sentiment.bias[1] ?? 0,
    model.sentiment.bias[2] ?? 0,
  ];
  let zc = model.complaint.bias[0] ?? 0;
  const { idx, val, n } = buf;
  for (let i = 0; i < n; i++) {
    const b = idx[i]! * 4;
    const v = val[i]!;
    z[0] += joint[b]! * v;
    z[1] += joint[b + 1]! * v;
    z[2] += joint[b + 2]! * v;
    zc += joint[b + 3]! * v;
  }
  const p = softmaxInPlace(z) as [number, number, number];
  let best = 0;
  for (let c = 1; c < 3; c++) if (p[c]! > p[best]!) best = c;
  const complaint = sigmoid(zc);
  return { label: SOCIAL_LABELS[best]!, score: p[2] - p[0], probs: p, complaint, cues };
}

export interface SocialModelFile {
  format: 'hark-social-linear';
  name: string;
  version: number;
  buckets: number;
  sentiment: { bias: number[]; scale: number; data: string };
  complaint: { bias: number[]; scale: number; data: string; threshold: number };
  confusion: number[][];
  /** Figures and provenance written by the trainer (not read at scoring time). */
  training?: unknown;
}

export function toSocialModelFile(model: SocialModel, training?: unknown): SocialModelFile {
  return {
    format: 'hark-social-linear',
    name: model.name,
    version: model.version,
    buckets: model.buckets,
    sentiment: { bias: model.sentiment.bias, ...encodeWeights(model.sentiment.weights) },
    complaint: {
      bias: model.complaint.bias,
      threshold: model.complaintThreshold,
      ...encodeWeights(model.complaint.weights),
    },
    confusion: model.confusion,
    training,
  };
}

/** Validates and decodes a model file; throws a plain Error naming the problem. */
export function fromSocialModelFile(doc: unknown): SocialModel {
  const d = doc as Partial<SocialModelFile> | null;
  if (!d || typeof d !== 'object' || d.format !== 'hark-social-linear') {
    throw new Error('not a hark-social-linear model file');
  }
  if (typeof d.name !== 'string' || !Number.isInteger(d.version)) {
    throw new Error('name and an integer version are required');
  }
  const buckets = d.buckets;
  if (!Number.isInteger(buckets) || buckets! <= 0 || (buckets! & (buckets! - 1)) !== 0) {
    throw new Error('buckets must be a power of two');
  }
  const head = (h: SocialModelFile['sentiment'] | undefined, classes: number, what: string) => {
    if (!h || !Array.isArray(h.bias) || h.bias.length !== classes || typeof h.data !== 'string') {
      throw new Error(`${what} head is malformed`);
    }
    if (!(h.scale > 0)) throw new Error(`${what} scale must be positive`);
    return {
      classes,
      buckets: buckets!,
      bias: h.bias.map(Number),
      weights: decodeWeights(h, buckets! * classes),
    };
  };
  const threshold = d.complaint?.threshold;
  if (typeof threshold !== 'number' || !(threshold > 0 && threshold < 1)) {
    throw new Error('complaint threshold must be in (0, 1)');
  }
  const confusion = d.confusion;
  if (
    !Array.isArray(confusion) ||
    confusion.length !== 3 ||
    confusion.some((r) => !Array.isArray(r) || r.length !== 3 || r.some((v) => !(v >= 0)))
  ) {
    throw new Error('confusion must be a 3×3 matrix of counts');
  }
  return {
    name: d.name,
    version: d.version!,
    buckets: buckets!,
    sentiment: head(d.sentiment, 3, 'sentiment'),
    complaint: head(d.complaint, 1, 'complaint'),
    complaintThreshold: threshold,
    confusion: confusion.map((r) => r.map(Number)),
  };
}
