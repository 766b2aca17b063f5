import type { AlertMetric } from '@hark/events';
import {
  scoreNegativeShare,
  scoreVolume,
  stepEpisode,
  type DetectorParams,
  type Episode,
  type Score,
} from './detector.ts';
import { MINUTE_MS, windowsAt, type MinuteSeries } from './series.ts';

export const METRICS: readonly AlertMetric[] = ['volume', 'negative_share'];

/** What the monitor keeps per brand × platform between evaluations. */
export interface SeriesState {
  /** End of the last evaluated window (epoch ms), or null before the first. */
  lastEvaluatedEnd: number | null;
  episodes: Partial<Record<AlertMetric, Episode>>;
}

/** An episode that opened: one alert. */
export interface Opening {
  metric: AlertMetric;
  episodeId: string;
  windowStart: number;
  windowEnd: number;
  score: Score;
  mentions: number;
  negative: number;
}

export function episodeId(
  brand: string,
  platform: string,
  metric: AlertMetric,
  windowStart: number,
) {
  return `${brand}:${platform}:${metric}:${new Date(windowStart).toISOString()}`;
}

/**
 * The window ends to evaluate: every step after the last evaluated one up to
 * `latestEnd`, at most `maxCatchUp` of them (the most recent); a series seen
 * for the first time starts at `latestEnd`.
 */
export function endsToEvaluate(
  lastEvaluatedEnd: number | null,
  latestEnd: number,
  stepMs: number,
  maxCatchUp: number,
): number[] {
  if (lastEvaluatedEnd === null) return [latestEnd];
  const ends: number[] = [];
  const first = Math.max(lastEvaluatedEnd + stepMs, latestEnd - (maxCatchUp - 1) * stepMs);
  for (let e = first; e <= latestEnd; e += stepMs) ends.push(e);
  return ends;
}

/** Runs the detector over `ends` in order; the new state and the episodes that opened. */
export function evaluateSeries(
  key: { brand: string; platform: string },
  series: MinuteSeries,
  ends: number[],
  state: SeriesState,
  p: DetectorParams,
): { state: SeriesState; openings: Opening[] } {
  const episodes = { ...state.episodes };
  const openings: Opening[] = [];
  let last = state.lastEvaluatedEnd;
  const w = p.windowMinutes * MINUTE_MS;
  for (const end of ends) {
    const { current, history } = windowsAt(series, end, p);
    for (const metric of METRICS) {
      const score =
        metric === 'volume'
          ? scoreVolume(current, history, p)
          : scoreNegativeShare(current, history, p);
      const t = stepEpisode(episodes[metric] ?? null, score, end, p, () =>
        episodeId(key.brand, key.platform, metric, end - w),
      );
      if (t.kind === 'open') {
        episodes[metric] = t.episode;
        openings.push({
          metric,
          episodeId: t.episode.episodeId,
          windowStart: end - w,
          windowEnd: end,
          score,
          mentions: current.mentions,
          negative: current.negative,
        });
      } else if (t.kind === 'stay') episodes[metric] = t.episode;
      else if (t.kind === 'close') delete episodes[metric];
    }
    last = end;
  }
  return { state: { lastEvaluatedEnd: last, episodes }, openings };
}
