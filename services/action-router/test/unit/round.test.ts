import { describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, type DetectorParams } from '../../src/domain/spikes/detector.ts';
import type { SeriesState } from '../../src/domain/spikes/evaluate.ts';
import {
  alertOf,
  evaluateRound,
  openEpisodes,
  roundRange,
  seriesKey,
  splitKey,
  type MinuteCounts,
} from '../../src/domain/spikes/round.ts';
import { lookbackMs, MINUTE_MS } from '../../src/domain/spikes/series.ts';

const p: DetectorParams = { ...DEFAULT_PARAMS };
const T = Date.UTC(2026, 0, 1, 12, 0);

/** Steady traffic for the whole lookback, then a burst in the last window. */
function burstRows(brand: string, latestEnd: number): MinuteCounts[] {
  const rows: MinuteCounts[] = [];
  for (let t = latestEnd - lookbackMs(p); t < latestEnd; t += MINUTE_MS) {
    const burst = t >= latestEnd - p.windowMinutes * MINUTE_MS;
    const mentions = burst ? 200 : 4 + ((t / MINUTE_MS) % 3);
    rows.push({ brand, platform: 'x', windowStart: t, mentions, negative: 0, scored: mentions });
  }
  return rows;
}

describe('series keys', () => {
  it('when a key is split, it gives back brand and platform', () => {
    expect(splitKey(seriesKey('acme', 'x'))).toEqual(['acme', 'x']);
  });
});

describe('roundRange', () => {
  it('when no series was evaluated, it ends at the last closed minute and covers one lookback', () => {
    const r = roundRange(T + 90_000, 60_000, 10, new Map(), p);
    expect(r.latestEnd).toBe(T);
    expect(r.from).toBe(T - lookbackMs(p));
    expect(r.minutes).toBe(lookbackMs(p) / MINUTE_MS);
  });

  it('when a series is behind, it reaches back at most maxCatchUp windows', () => {
    const states = new Map<string, SeriesState>([
      ['a', { lastEvaluatedEnd: T - 3 * MINUTE_MS, episodes: {} }],
      ['b', { lastEvaluatedEnd: T - 100 * MINUTE_MS, episodes: {} }],
    ]);
    const r = roundRange(T, 0, 10, states, p);
    expect(r.from).toBe(T - 9 * MINUTE_MS - lookbackMs(p));
  });
});

describe('evaluateRound', () => {
  it('when a brand bursts, its volume episode opens and its state moves to the latest end', () => {
    const range = roundRange(T, 0, 10, new Map(), p);
    const { next, openings } = evaluateRound(burstRows('acme', T), new Map(), range, 10, p);
    expect(next.get(seriesKey('acme', 'x'))?.lastEvaluatedEnd).toBe(T);
    expect(openings.map((o) => [o.brand, o.platform, o.opening.metric])).toEqual([
      ['acme', 'x', 'volume'],
    ]);
  });

  it('when a series with state has no rollups, it is still evaluated (as zeros)', () => {
    const states = new Map<string, SeriesState>([
      [seriesKey('quiet', 'x'), { lastEvaluatedEnd: T - MINUTE_MS, episodes: {} }],
    ]);
    const range = roundRange(T, 0, 10, states, p);
    const { next, openings } = evaluateRound([], states, range, 10, p);
    expect(next.get(seriesKey('quiet', 'x'))?.lastEvaluatedEnd).toBe(T);
    expect(openings).toEqual([]);
  });

  it('when a series is already evaluated up to the latest end, it is left out', () => {
    const states = new Map<string, SeriesState>([
      [seriesKey('done', 'x'), { lastEvaluatedEnd: T, episodes: {} }],
    ]);
    const { next } = evaluateRound([], states, roundRange(T, 0, 10, states, p), 10, p);
    expect(next.size).toBe(0);
  });
});

describe('alertOf and openEpisodes', () => {
  it('when an episode opens, the alert carries its id, window and an infinite z as 0', () => {
    const range = roundRange(T, 0, 10, new Map(), p);
    const { openings } = evaluateRound(burstRows('acme', T), new Map(), range, 10, p);
    const opened = openings[0]!;
    const alert = alertOf(
      {
        ...opened,
        opening: { ...opened.opening, score: { ...opened.opening.score, z: Infinity } },
      },
      { topMentions: [], detector: 'd', detectedAt: 7, p },
    );
    expect(alert).toMatchObject({
      alertId: opened.opening.episodeId,
      brand: 'acme',
      platform: 'x',
      metric: 'volume',
      windowStartAt: opened.opening.windowStart,
      windowEndAt: opened.opening.windowEnd,
      deviation: 0,
      baselineWindows: p.baselineWindows,
      detector: 'd',
      detectedAt: 7,
    });
  });

  it('when a round ends, series it did not evaluate still count their open episodes', () => {
    const episode = { openedAt: T, windowStart: T, peak: 1, quiet: 0 } as never;
    const states = new Map<string, SeriesState>([
      ['a', { lastEvaluatedEnd: T, episodes: { volume: episode } }],
      ['b', { lastEvaluatedEnd: T, episodes: { volume: episode } }],
    ]);
    const next = new Map<string, SeriesState>([['b', { lastEvaluatedEnd: T, episodes: {} }]]);
    expect(Object.fromEntries(openEpisodes(states, next))).toEqual({
      volume: 1,
      negative_share: 0,
    });
  });
});
