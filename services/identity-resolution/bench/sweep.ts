/**
 * Threshold sweeps over per-author decisions, for bench:ceiling: each author
 * has at most one proposed customer (the top candidate) with a score; linking
 * every author whose score is at least t gives a precision and a recall.
 */

export interface Proposal {
  /** Higher: more confident. Infinity: linked whatever the threshold (an exact e-mail). */
  score: number;
  /** The proposed customer is the author's true customer. */
  right: boolean;
}

export interface OperatingPoint {
  /** Lowest score linked; Infinity when nothing is. */
  threshold: number;
  links: number;
  right: number;
  precision: number;
  recall: number;
}

/**
 * The threshold with the highest recall whose precision is at least
 * `minPrecision`; `positives` = authors who are customers. Authors with
 * equal scores are linked together or not at all (a threshold cannot split
 * them). Nothing linked: recall 0, precision 1.
 */
export function bestRecallAt(
  proposals: readonly Proposal[],
  positives: number,
  minPrecision: number,
): OperatingPoint {
  const sorted = [...proposals].sort((x, y) => y.score - x.score);
  let best: OperatingPoint = { threshold: Infinity, links: 0, right: 0, precision: 1, recall: 0 };
  let links = 0;
  let right = 0;
  for (let i = 0; i < sorted.length; i++) {
    links++;
    if (sorted[i]!.right) right++;
    if (i + 1 < sorted.length && sorted[i + 1]!.score === sorted[i]!.score) continue;
    const precision = right / links;
    const recall = positives ? right / positives : 0;
    if (precision >= minPrecision && recall > best.recall) {
      best = { threshold: sorted[i]!.score, links, right, precision, recall };
    }
  }
  return best;
}

/**
 * The index of the highest score, or -1 when there is none or when several
 * share it (a tie: nothing in the scores says which one it is).
 */
export function uniqueTop(scores: readonly number[]): number {
  let top = -1;
  let tied = false;
  for (let i = 0; i < scores.length; i++) {
    if (top < 0 || scores[i]! > scores[top]!) {
      top = i;
      tied = false;
    } else if (scores[i] === scores[top]) tied = true;
  }
  return tied ? -1 : top;
}

/** Linking every proposal scoring at least `threshold`. */
export function operatingPoint(
  proposals: readonly Proposal[],
  positives: number,
  threshold: number,
): OperatingPoint {
  let links = 0;
  let right = 0;
  for (const p of proposals) {
    if (p.score < threshold) continue;
    links++;
    if (p.right) right++;
  }
  return {
    threshold,
    links,
    right,
    precision: links ? right / links : 1,
    recall: positives ? right / positives : 0,
  };
}

/** One author of a test set: its proposal (if any) and whether it is a customer. */
export interface AuthorOutcome {
  proposal: Proposal | null;
  positive: boolean;
}

/**
 * Percentile range of bestRecallAt over `rounds` bootstrap resamples of the
 * authors: how much the figure moves with the sample.
 */
export function bootstrapBestRecall(
  authors: readonly AuthorOutcome[],
  minPrecision: number,
  rounds: number,
  random: () => number,
  range: [number, number] = [0.025, 0.975],
): [number, number] {
  const recalls: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const proposals: Proposal[] = [];
    let positives = 0;
    for (let i = 0; i < authors.length; i++) {
      const a = authors[Math.floor(random() * authors.length)]!;
      if (a.positive) positives++;
      if (a.proposal) proposals.push(a.proposal);
    }
    recalls.push(bestRecallAt(proposals, positives, minPrecision).recall);
  }
  recalls.sort((x, y) => x - y);
  const at = (q: number): number =>
    recalls[Math.min(recalls.length - 1, Math.floor(q * recalls.length))]!;
  return [at(range[0]), at(range[1])];
}
