import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PARAMS,
  medianMad,
  scoreNegativeShare,
  scoreVolume,
  stepEpisode,
  theilSen,
  type DetectorParams,
  type Episode,
  type Score,
  type WindowCounts,
} from '../../src/domain/spikes/detector.ts';
import { endsToEvaluate, evaluateSeries } from '../../src/domain/spikes/evaluate.ts';
import { MINUTE_MS, MinuteSeries, windowsAt } from '../../src/domain/spikes/series.ts';

const p: DetectorParams = { ...DEFAULT_PARAMS };
const w = (mentions: number, negative = 0, scored = mentions): WindowCounts => ({
  mentions,
  negative,
  scored,
});
const flat = (n: number, count = 24) => Array.from({ length: count }, (_, i) => w(n + (i % 3) - 1));

describe('robust baselines', () => {
  it('median and MAD ignore one outlier', () => {
    expect(medianMad([10, 11, 9, 10, 500])).toEqual({ median: 10, mad: 1 });
  });

  it('Theil–Sen reads a steady ramp at the current window and shrugs off a past spike', () => {
    // Most recent first: 46, 44, 42, … (the level grows by 2 per window), with one spike in the past.
    const values = Array.from({ length: 24 }, (_, k) => 48 - 2 * (k + 1));
    values[5] = 400;
    const { median, mad } = theilSen(values);
    expect(median).toBeCloseTo(48, 5);
    expect(mad).toBeCloseTo(0, 5);
  });
});

describe('scoring a window', () => {
  it.each([
    ['a 3× jump on a busy series opens', w(300), flat(100), true],
    ['normal noise does not open', w(112), flat(100), false],
    ['a quiet brand tripling stays under the minimum volume', w(6), flat(2), false],
    [
      'a jump on a flat baseline must also clear the ratio',
      w(14, 0),
      flat(10).map(() => w(10)),
      false,
    ],
  ])('%s', (_, current, history, opens) => {
    expect(scoreVolume(current, history, p).opens).toBe(opens);
  });

  it('the Poisson floor keeps a zero-MAD baseline from turning one extra mention into a page', () => {
    const s = scoreVolume(
      w(11),
      Array.from({ length: 24 }, () => w(10)),
      p,
    );
    expect(s.scale).toBeCloseTo(Math.sqrt(10), 5);
    expect(s.opens).toBe(false);
  });

  it.each([
    ['negative share from 20% to 70% on 60 mentions opens', w(60, 42), true],
    ['the same share on 8 mentions does not (too few negatives)', w(8, 5), false],
    ['a small rise within noise does not', w(60, 16), false],
  ])('%s', (_, current, opens) => {
    const history = Array.from({ length: 24 }, (_, i) => w(60, 11 + (i % 3)));
    expect(scoreNegativeShare(current, history, p).opens).toBe(opens);
  });

  it('with sparse history the negative share falls back to the pooled share', () => {
    const history = Array.from({ length: 24 }, (_, i) => (i % 4 === 0 ? w(2, 1) : w(0)));
    expect(scoreNegativeShare(w(20, 10), history, p).expected).toBeCloseTo(0.5, 5);
  });
});

describe('the episode state machine', () => {
  const score = (observed: number, opens: boolean): Score => ({
    metric: 'volume',
    observed,
    expected: 100,
    scale: 10,
    z: (observed - 100) / 10,
    opens,
  });
  const run = (steps: [number, boolean][], params = p) => {
    let e: Episode | null = null;
    const kinds: string[] = [];
    steps.forEach(([obs, opens], i) => {
      const t = stepEpisode(e, score(obs, opens), i * MINUTE_MS, params, () => `ep-${i}`);
      kinds.push(t.kind);
      e = t.kind === 'open' || t.kind === 'stay' ? t.episode : null;
    });
    return kinds;
  };

  it('opens once, stays open while elevated against the frozen baseline, closes after K normal windows', () => {
    const params = { ...p, closeAfterEvaluations: 3 };
    expect(
      run(
        [
          [100, false],
          [300, true],
          [300, true],
          [130, false], // z 3 against the frozen baseline ≥ stayZ: still elevated
          [100, false],
          [100, false],
          [100, false],
          [300, true],
        ],
        params,
      ),
    ).toEqual(['quiet', 'open', 'stay', 'stay', 'stay', 'stay', 'close', 'open']);
  });

  it('after the maximum episode length only the current baseline keeps it open', () => {
    const params = { ...p, closeAfterEvaluations: 2, maxEpisodeMinutes: 3 };
    expect(
      run(
        [
          [300, true],
          [300, false],
          [300, false],
          [300, false],
          [300, false],
        ],
        params,
      ),
    ).toEqual(['open', 'stay', 'stay', 'stay', 'close']);
  });
});

describe('evaluating a series', () => {
  const T0 = Date.UTC(2026, 10, 23, 12, 0);
  const series = new MinuteSeries(T0 - 180 * MINUTE_MS, 240);
  for (let i = -180; i < 60; i++) series.add(T0 + i * MINUTE_MS, w(i >= 0 && i < 15 ? 100 : 20, 4));
  series.seal();

  it('sums minutes into windows and reads the baseline windows before the current one', () => {
    const { current, history } = windowsAt(series, T0 + 2 * MINUTE_MS, p);
    expect(current.mentions).toBe(3 * 20 + 2 * 100);
    expect(history).toHaveLength(24);
    expect(history.every((h) => h.mentions === 100)).toBe(true);
  });

  it('one alert for one spike, minute by minute', () => {
    const ends = Array.from({ length: 60 }, (_, i) => T0 - 10 * MINUTE_MS + i * MINUTE_MS);
    const { openings, state } = evaluateSeries(
      { brand: 'acme', platform: 'x' },
      series,
      ends,
      { lastEvaluatedEnd: null, episodes: {} },
      p,
    );
    // The first window with one spike minute holds 4 × 20 + 100 = 180 = 1.8 × expected, at z 8.
    expect(openings.map((o) => [o.metric, o.windowEnd - T0])).toEqual([['volume', MINUTE_MS]]);
    expect(openings[0]!.episodeId).toBe(
      `acme:x:volume:${new Date(T0 - 4 * MINUTE_MS).toISOString()}`,
    );
    expect(state.lastEvaluatedEnd).toBe(ends.at(-1));
    expect(state.episodes).toEqual({});
  });

  it.each([
    ['a new series starts at the latest window', null, 10, [10]],
    ['a known series catches up from the next minute', 7, 10, [8, 9, 10]],
    ['a long pause is capped to the most recent windows', 0, 100, [98, 99, 100]],
    ['nothing new, nothing to do', 10, 10, []],
  ])('%s', (_, last, latest, expected) => {
    const m = (x: number) => x * MINUTE_MS;
    expect(endsToEvaluate(last === null ? null : m(last), m(latest), MINUTE_MS, 3)).toEqual(
      expected.map(m),
    );
  });
});
