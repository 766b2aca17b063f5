/**
 * Sentiment shares corrected for classifier error ("adjusted classify and
 * count"). With M[p][t] = P(predicted p | true t) measured on a labelled
 * test split and q the observed shares of predicted labels, the true shares
 * solve q = M·π, so π̂ = M⁻¹·q. Its variance (delta method) has two parts:
 * sampling of the n mentions, (Σₐ M⁻¹[k][a]² qₐ − π̂ₖ²) / n, and the error of
 * M itself, each column estimated from nₜ test posts:
 * Σₜ π̂ₜ² · (Σₐ M⁻¹[k][a]² M[a][t] − [k = t]) / nₜ.
 * The SQL views compute the same sums from the constants `correctionConstants`
 * returns (one row per model in `sentiment_share_correction`); tests hold the
 * two equal.
 */

/** Order of every vector and matrix here. */
export const SHARE_LABELS = ['negative', 'neutral', 'positive'] as const;

export interface CorrectionConstants {
  /** M⁻¹, rows = corrected label k, columns = predicted label a. */
  inverse: number[][];
  /** a[k][t] = (Σₐ M⁻¹[k][a]² M[a][t] − [k = t]) / nₜ: the test-split error term. */
  testVariance: number[][];
}

export interface CorrectedShares {
  raw: number[];
  /** Clipped to [0, 1] and renormalised to sum to 1. */
  corrected: number[];
  /** 95 % interval of each corrected share, clipped to [0, 1]. */
  lower: number[];
  upper: number[];
}

/** Constants of the correction from a confusion matrix of counts (rows true, columns predicted). */
export function correctionConstants(
  confusion: readonly (readonly number[])[],
): CorrectionConstants {
  const k = confusion.length;
  if (k === 0 || confusion.some((r) => r.length !== k)) {
    throw new Error('the confusion matrix must be square');
  }
  const nt = confusion.map((r) => r.reduce((a, b) => a + b, 0));
  if (nt.some((n) => !(n > 0))) throw new Error('every true label needs test posts');
  // M[a][t] = P(pred a | true t).
  const m = Array.from({ length: k }, (_, a) =>
    Array.from({ length: k }, (_, t) => confusion[t]![a]! / nt[t]!),
  );
  const inverse = invert(m);
  const testVariance = Array.from({ length: k }, (_, kk) =>
    Array.from({ length: k }, (_, t) => {
      let s = 0;
      for (let a = 0; a < k; a++) s += inverse[kk]![a]! ** 2 * m[a]![t]!;
      return (s - (kk === t ? 1 : 0)) / nt[t]!;
    }),
  );
  return { inverse, testVariance };
}

/** Raw and corrected shares with 95 % intervals for observed counts of predicted labels. */
export function correctShares(
  counts: readonly number[],
  c: CorrectionConstants,
  z = 1.959964,
): CorrectedShares {
  const k = counts.length;
  const n = counts.reduce((a, b) => a + b, 0);
  if (n <= 0) {
    const none = new Array<number>(k).fill(0);
    return { raw: none, corrected: none, lower: none, upper: none };
  }
  const q = counts.map((v) => v / n);
  const est = c.inverse.map((row) => row.reduce((s, v, a) => s + v * q[a]!, 0));
  const variance = est.map((p, kk) => {
    let sq = 0;
    for (let a = 0; a < k; a++) sq += c.inverse[kk]![a]! ** 2 * q[a]!;
    let test = 0;
    for (let t = 0; t < k; t++) test += est[t]! ** 2 * c.testVariance[kk]![t]!;
    return Math.max(0, (sq - p * p) / n + test);
  });
  const clipped = est.map((p) => Math.min(1, Math.max(0, p)));
  const sum = clipped.reduce((a, b) => a + b, 0);
  return {
    raw: q,
    corrected: clipped.map((p) => (sum > 0 ? p / sum : 1 / k)),
    lower: est.map((p, i) => Math.min(1, Math.max(0, p - z * Math.sqrt(variance[i]!)))),
    upper: est.map((p, i) => Math.min(1, Math.max(0, p + z * Math.sqrt(variance[i]!)))),
  };
}

/** Gauss-Jordan inverse with partial pivoting; throws on a singular matrix. */
export function invert(a: readonly (readonly number[])[]): number[][] {
  const n = a.length;
  const m = a.map((r, i) => [...r, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[piv]![col]!)) piv = r;
    if (Math.abs(m[piv]![col]!) < 1e-12) throw new Error('the confusion matrix is singular');
    [m[col], m[piv]] = [m[piv]!, m[col]!];
    const d = m[col]![col]!;
    for (let j = 0; j < 2 * n; j++) m[col]![j]! /= d;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r]![col]!;
      if (f === 0) continue;
      for (let j = 0; j < 2 * n; j++) m[r]![j]! -= f * m[col]![j]!;
    }
  }
  return m.map((r) => r.slice(n));
}
