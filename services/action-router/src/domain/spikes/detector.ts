import type { AlertMetric } from '@hark/events';

/** Counts of one brand × platform over one window (the sum of its minute rollups). */
export interface WindowCounts {
  mentions: number;
  negative: number;
  /** Mentions with a sentiment (not unknown): the denominator of the negative share. */
  scored: number;
}

export interface DetectorParams {
  /**
   * `trend`: a robust line (Theil–Sen) through the baseline windows, read at
   * the current window, so a daily ramp is not mistaken for a spike;
   * `median`: the plain median of the baseline windows.
   */
  baseline: 'trend' | 'median';
  /** Length of the evaluated window and of each baseline window. */
  windowMinutes: number;
  /** How many earlier windows of that length form the baseline. */
  baselineWindows: number;
  /** Robust z-score that opens an episode. */
  openZ: number;
  /** While an episode is open, a window stays elevated down to this z against the baseline frozen at opening. */
  stayZ: number;
  /** A volume alert needs at least this many mentions in the window (quiet brands page no one). */
  minVolume: number;
  /** And at least this multiple of the expected volume. */
  minRatio: number;
  /** A negative-share alert needs at least this many negative mentions in the window. */
  minNegative: number;
  /** And a share at least this much above the expected share (absolute, e.g. 0.15). */
  minShareDelta: number;
  /** Consecutive non-elevated evaluations that close an episode. */
  closeAfterEvaluations: number;
  /** After this long, an episode is judged against the current baseline only (a lasting level shift ends it). */
  maxEpisodeMinutes: number;
}

export const DEFAULT_PARAMS: DetectorParams = {
  baseline: 'trend',
  windowMinutes: 5,
  baselineWindows: 24,
  openZ: 6,
  stayZ: 2,
  minVolume: 10,
  minRatio: 1.8,
  minNegative: 6,
  minShareDelta: 0.15,
  closeAfterEvaluations: 15,
  maxEpisodeMinutes: 360,
};

/** How one window compares with its baseline for one metric. */
export interface Score {
  metric: AlertMetric;
  observed: number;
  expected: number;
  /** Noise scale the deviation is measured in. */
  scale: number;
  /** (observed − expected) / scale. */
  z: number;
  /** Every opening condition holds: z, minimum volume, minimum relative change. */
  opens: boolean;
}

const MAD_TO_SIGMA = 1.4826;

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median and median absolute deviation. */
export function medianMad(values: number[]): { median: number; mad: number } {
  const m = median(values);
  return { median: m, mad: median(values.map((v) => Math.abs(v - m))) };
}

/**
 * Theil–Sen line through `values` (most recent first, one window apart),
 * read one window after the most recent: the expected value now, and the MAD
 * of the residuals around the line. The median of pairwise slopes ignores up
 * to ~29% outlying windows, so an earlier spike does not tilt the baseline.
 */
export function theilSen(values: number[]): { median: number; mad: number } {
  const n = values.length;
  if (n < 3) return medianMad(values);
  const slopes: number[] = [];
  // x of values[k] is -(k + 1): the current window is at 0.
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) slopes.push((values[i]! - values[j]!) / (j - i));
  const slope = median(slopes);
  const residualsAtZero = values.map((v, k) => v + slope * (k + 1));
  const level = median(residualsAtZero);
  const mad = median(residualsAtZero.map((r) => Math.abs(r - level)));
  return { median: Math.max(level, 0), mad };
}

/**
 * Volume against the baseline of the baseline windows. The scale is the MAD
 * (as a standard deviation) floored by Poisson noise √expected, so a flat
 * baseline (MAD 0) does not turn every extra mention into a huge z.
 */
export function scoreVolume(
  current: WindowCounts,
  history: WindowCounts[],
  p: DetectorParams,
): Score {
  const counts = history.map((h) => h.mentions);
  const { median: expected, mad } = p.baseline === 'trend' ? theilSen(counts) : medianMad(counts);
  const scale = Math.max(MAD_TO_SIGMA * mad, Math.sqrt(Math.max(expected, 1)));
  const observed = current.mentions;
  const z = (observed - expected) / scale;
  return {
    metric: 'volume',
    observed,
    expected,
    scale,
    z,
    opens:
      observed >= p.minVolume && z >= p.openZ && observed >= p.minRatio * Math.max(expected, 1),
  };
}

/**
 * Negative share against the baseline share: the median of the windows with
 * at least a few scored mentions when most have them, else the pooled share.
 * The scale is floored by the binomial noise of a share over this window's
 * scored mentions, so a handful of mentions cannot page.
 */
export function scoreNegativeShare(
  current: WindowCounts,
  history: WindowCounts[],
  p: DetectorParams,
): Score {
  const usable = history.filter((h) => h.scored >= 3);
  let expected: number;
  let mad = 0;
  if (usable.length >= Math.max(3, history.length / 2)) {
    ({ median: expected, mad } = medianMad(usable.map((h) => h.negative / h.scored)));
  } else {
    const scored = history.reduce((s, h) => s + h.scored, 0);
    expected = scored > 0 ? history.reduce((s, h) => s + h.negative, 0) / scored : 0;
  }
  const observed = current.scored > 0 ? current.negative / current.scored : 0;
  const q = Math.min(Math.max(expected, 0.02), 0.98);
  const scale = Math.max(
    MAD_TO_SIGMA * mad,
    Math.sqrt((q * (1 - q)) / Math.max(current.scored, 1)),
  );
  const z = (observed - expected) / scale;
  return {
    metric: 'negative_share',
    observed,
    expected,
    scale,
    z,
    opens:
      current.negative >= p.minNegative &&
      current.scored >= p.minVolume &&
      z >= p.openZ &&
      observed - expected >= p.minShareDelta,
  };
}

/** An open episode of one series and metric (persisted between evaluations). */
export interface Episode {
  episodeId: string;
  /** End of the window that opened it (epoch ms). */
  openedEnd: number;
  /** Baseline frozen at opening, so the spike cannot raise its own bar while it lasts. */
  expected: number;
  scale: number;
  normalStreak: number;
}

export type Transition =
  | { kind: 'open'; episode: Episode }
  | { kind: 'stay'; episode: Episode }
  | { kind: 'close'; episodeId: string }
  | { kind: 'quiet' };

/**
 * One evaluation of the episode state machine: closed → open emits one
 * alert; an open episode stays open while the window is elevated (against
 * the current baseline, or against the frozen one with the lower stay
 * threshold) and closes after `closeAfterEvaluations` normal ones.
 */
export function stepEpisode(
  episode: Episode | null,
  score: Score,
  windowEnd: number,
  p: DetectorParams,
  newEpisodeId: () => string,
): Transition {
  if (!episode) {
    if (!score.opens) return { kind: 'quiet' };
    return {
      kind: 'open',
      episode: {
        episodeId: newEpisodeId(),
        openedEnd: windowEnd,
        expected: score.expected,
        scale: score.scale,
        normalStreak: 0,
      },
    };
  }
  const young = windowEnd - episode.openedEnd < p.maxEpisodeMinutes * 60_000;
  const frozenZ = (score.observed - episode.expected) / episode.scale;
  const elevated = score.opens || (young && frozenZ >= p.stayZ);
  const normalStreak = elevated ? 0 : episode.normalStreak + 1;
  if (normalStreak >= p.closeAfterEvaluations)
    return { kind: 'close', episodeId: episode.episodeId };
  return { kind: 'stay', episode: { ...episode, normalStreak } };
}

/** `median-mad w=5m n=24 z=5 min=10`: what an Alert records as its detector. */
export function describeDetector(p: DetectorParams): string {
  return `${p.baseline === 'trend' ? 'theil-sen' : 'median'}-mad w=${p.windowMinutes}m n=${p.baselineWindows} z=${p.openZ} stay=${p.stayZ} min=${p.minVolume} ratio=${p.minRatio} neg=${p.minNegative} delta=${p.minShareDelta}`;
}
