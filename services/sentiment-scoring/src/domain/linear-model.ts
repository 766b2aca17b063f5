import { mulberry32 } from './seeded-random.ts';

/**
 * A linear model over hashed features: `classes` outputs (softmax) or one
 * output (logistic) when `classes` is 1. Weights are laid out bucket-major
 * (`w[bucket * classes + c]`), so one feature touches one cache line.
 */
export interface LinearModel {
  classes: number;
  /** Number of buckets, a power of two; features are hashed with `buckets - 1`. */
  buckets: number;
  weights: Float32Array;
  /** Added to the logits after training (tuned on the validation split, never the test split). */
  bias: number[];
}

/** Logits of one post (bucket indices and their values) into `out` (length `classes`). */
export function linearLogits(
  model: LinearModel,
  f: { idx: ArrayLike<number>; val: ArrayLike<number> },
  out: number[],
): number[] {
  const k = model.classes;
  const w = model.weights;
  for (let c = 0; c < k; c++) out[c] = model.bias[c] ?? 0;
  const idx = f.idx;
  const val = f.val;
  for (let i = 0; i < idx.length; i++) {
    const base = idx[i]! * k;
    const v = val[i]!;
    for (let c = 0; c < k; c++) out[c]! += w[base + c]! * v;
  }
  return out;
}

/** Softmax in place. */
export function softmaxInPlace(z: number[]): number[] {
  let max = -Infinity;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (let i = 0; i < z.length; i++) {
    z[i] = Math.exp(z[i]! - max);
    sum += z[i]!;
  }
  for (let i = 0; i < z.length; i++) z[i]! /= sum;
  return z;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export interface TrainExample {
  idx: Int32Array;
  val: Float32Array;
  /** Class index; for a logistic model 1 = positive, 0 = negative. */
  y: number;
  /** Example weight (class balancing). */
  weight?: number;
}

export interface LinearTrainParams {
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
}

/**
 * AdaGrad on the (weighted) log loss with L2, deterministic for a seed.
 * Softmax when `classes` > 1, logistic when 1.
 */
export function trainLinearModel(
  examples: readonly TrainExample[],
  classes: number,
  buckets: number,
  params: LinearTrainParams,
): LinearModel {
  const k = classes;
  const w = new Float32Array(buckets * k);
  const g2 = new Float32Array(buckets * k);
  const rand = mulberry32(params.seed);
  const order = examples.map((_, i) => i);
  const z: number[] = new Array<number>(k).fill(0);
  const model: LinearModel = { classes: k, buckets, weights: w, bias: new Array(k).fill(0) };
  for (let epoch = 0; epoch < params.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const oi of order) {
      const ex = examples[oi]!;
      linearLogits(model, ex, z);
      const ew = ex.weight ?? 1;
      if (k === 1) {
        z[0] = sigmoid(z[0]!) - ex.y;
      } else {
        softmaxInPlace(z);
        z[ex.y]! -= 1;
      }
      for (let i = 0; i < ex.idx.length; i++) {
        const base = ex.idx[i]! * k;
        const v = ex.val[i]!;
        for (let c = 0; c < k; c++) {
          const p = base + c;
          const g = ew * z[c]! * v + params.l2 * w[p]!;
          g2[p]! += g * g;
          w[p]! -= (params.learningRate * g) / Math.sqrt(g2[p]! + 1e-8);
        }
      }
    }
  }
  return model;
}

/** Weights as base64 of int16 with one scale: a quarter of the JSON-float size, loss < 1e-4 per weight. */
export function encodeWeights(w: Float32Array): { scale: number; data: string } {
  let max = 0;
  for (const v of w) if (Math.abs(v) > max) max = Math.abs(v);
  const scale = max > 0 ? max / 32767 : 1;
  const q = new Int16Array(w.length);
  for (let i = 0; i < w.length; i++) q[i] = Math.round(w[i]! / scale);
  return { scale, data: Buffer.from(q.buffer, q.byteOffset, q.byteLength).toString('base64') };
}

export function decodeWeights(enc: { scale: number; data: string }, length: number): Float32Array {
  const buf = Buffer.from(enc.data, 'base64');
  if (buf.length !== length * 2) {
    throw new Error(`weights hold ${buf.length / 2} values, expected ${length}`);
  }
  const w = new Float32Array(length);
  for (let i = 0; i < length; i++) w[i] = buf.readInt16LE(2 * i) * enc.scale;
  return w;
}
