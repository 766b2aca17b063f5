import type { Alert, AlertMention, AlertMetric } from '@hark/events';
import type { DetectorParams, WindowCounts } from './detector.ts';
import {
  endsToEvaluate,
  evaluateSeries,
  METRICS,
  type Opening,
  type SeriesState,
} from './evaluate.ts';
import { lookbackMs, MINUTE_MS, MinuteSeries } from './series.ts';

/** One minute of one brand × platform, as read from the minute rollups. */
export interface MinuteCounts extends WindowCounts {
  brand: string;
  platform: string;
  windowStart: number;
}

/** The minutes one round reads: [from, latestEnd), `minutes` long. */
export interface RoundRange {
  latestEnd: number;
  from: number;
  minutes: number;
}

/** An opened episode with the series it belongs to. */
export interface SeriesOpening {
  brand: string;
  platform: string;
  opening: Opening;
}

export function seriesKey(brand: string, platform: string): string {
  return `${brand}\u0000${platform}`;
}

export function splitKey(key: string): [string, string] {
  const i = key.indexOf('\u0000');
  return [key.slice(0, i), key.slice(i + 1)];
}

/**
 * The range a round reads: up to the last minute that closed `graceMs` ago,
 * back far enough for the detector's lookback before the oldest window still
 * to evaluate (at most `maxCatchUp` windows behind).
 */
export function roundRange(
  now: number,
  graceMs: number,
  maxCatchUp: number,
  states: ReadonlyMap<string, SeriesState>,
  p: DetectorParams,
): RoundRange {
  const latestEnd = Math.floor((now - graceMs) / MINUTE_MS) * MINUTE_MS;
  const oldest = latestEnd - (maxCatchUp - 1) * MINUTE_MS;
  let firstEnd = latestEnd;
  for (const s of states.values())
    if (s.lastEvaluatedEnd !== null && s.lastEvaluatedEnd < latestEnd)
      firstEnd = Math.min(firstEnd, Math.max(oldest, s.lastEvaluatedEnd + MINUTE_MS));
  const from = firstEnd - lookbackMs(p);
  return { latestEnd, from, minutes: (latestEnd - from) / MINUTE_MS };
}

/**
 * Runs the detector over every series with rollups or state: the next state
 * of each series evaluated, and the episodes that opened.
 */
export function evaluateRound(
  rows: readonly MinuteCounts[],
  states: ReadonlyMap<string, SeriesState>,
  range: RoundRange,
  maxCatchUp: number,
  p: DetectorParams,
): { next: Map<string, SeriesState>; openings: SeriesOpening[] } {
  const series = new Map<string, MinuteSeries>();
  for (const r of rows) {
    const key = seriesKey(r.brand, r.platform);
    let s = series.get(key);
    if (!s) series.set(key, (s = new MinuteSeries(range.from, range.minutes)));
    s.add(r.windowStart, r);
  }
  const empty = new MinuteSeries(range.from, range.minutes).seal();
  const next = new Map<string, SeriesState>();
  const openings: SeriesOpening[] = [];
  for (const key of new Set([...series.keys(), ...states.keys()])) {
    const state = states.get(key) ?? { lastEvaluatedEnd: null, episodes: {} };
    const ends = endsToEvaluate(state.lastEvaluatedEnd, range.latestEnd, MINUTE_MS, maxCatchUp);
    if (ends.length === 0) continue;
    const [brand, platform] = splitKey(key);
    const result = evaluateSeries(
      { brand, platform },
      series.get(key)?.seal() ?? empty,
      ends,
      state,
      p,
    );
    next.set(key, result.state);
    for (const opening of result.openings) openings.push({ brand, platform, opening });
  }
  return { next, openings };
}

/** The alert an opened episode raises; its id is the episode's, so a re-run raises the same one. */
export function alertOf(
  { brand, platform, opening: o }: SeriesOpening,
  extra: { topMentions: AlertMention[]; detector: string; detectedAt: number; p: DetectorParams },
): Alert {
  return {
    alertId: o.episodeId,
    brand,
    platform,
    metric: o.metric,
    windowStartAt: o.windowStart,
    windowEndAt: o.windowEnd,
    observed: o.score.observed,
    expected: o.score.expected,
    deviation: Number.isFinite(o.score.z) ? o.score.z : 0,
    mentions: o.mentions,
    negative: o.negative,
    baselineWindows: extra.p.baselineWindows,
    topMentions: extra.topMentions,
    detector: extra.detector,
    detectedAt: extra.detectedAt,
  };
}

/** Open episodes per metric after a round (series not evaluated keep their old state). */
export function openEpisodes(
  states: ReadonlyMap<string, SeriesState>,
  next: ReadonlyMap<string, SeriesState>,
): Map<AlertMetric, number> {
  const open = new Map<AlertMetric, number>(METRICS.map((m) => [m, 0]));
  for (const st of new Map([...states, ...next]).values())
    for (const m of Object.keys(st.episodes) as AlertMetric[]) open.set(m, (open.get(m) ?? 0) + 1);
  return open;
}
