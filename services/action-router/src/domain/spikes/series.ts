import type { DetectorParams, WindowCounts } from './detector.ts';

export const MINUTE_MS = 60_000;

/**
 * Per-minute counts of one series over a time range, with prefix sums, so any
 * window's counts are O(1). Minutes without a rollup row are zero.
 */
export class MinuteSeries {
  private readonly mentions: Float64Array;
  private readonly negative: Float64Array;
  private readonly scored: Float64Array;

  /** `from` is the first minute (epoch ms, minute-aligned); `minutes` the length. */
  constructor(
    readonly from: number,
    readonly minutes: number,
  ) {
    this.mentions = new Float64Array(minutes + 1);
    this.negative = new Float64Array(minutes + 1);
    this.scored = new Float64Array(minutes + 1);
  }

  /** Adds a minute's counts (before `seal`). */
  add(minuteStart: number, c: WindowCounts): void {
    const i = Math.round((minuteStart - this.from) / MINUTE_MS);
    if (i < 0 || i >= this.minutes) return;
    this.mentions[i + 1]! += c.mentions;
    this.negative[i + 1]! += c.negative;
    this.scored[i + 1]! += c.scored;
  }

  /** Turns the per-minute values into prefix sums; call once after the last `add`. */
  seal(): this {
    for (let i = 1; i <= this.minutes; i++) {
      this.mentions[i]! += this.mentions[i - 1]!;
      this.negative[i]! += this.negative[i - 1]!;
      this.scored[i]! += this.scored[i - 1]!;
    }
    return this;
  }

  /** Counts over [start, end) (clipped to the range). */
  window(start: number, end: number): WindowCounts {
    const a = this.index(start);
    const b = this.index(end);
    return {
      mentions: this.mentions[b]! - this.mentions[a]!,
      negative: this.negative[b]! - this.negative[a]!,
      scored: this.scored[b]! - this.scored[a]!,
    };
  }

  private index(t: number): number {
    return Math.min(Math.max(Math.round((t - this.from) / MINUTE_MS), 0), this.minutes);
  }
}

/** The window ending at `end` and the baseline windows before it, most recent first. */
export function windowsAt(
  series: MinuteSeries,
  end: number,
  p: DetectorParams,
): { current: WindowCounts; history: WindowCounts[] } {
  const w = p.windowMinutes * MINUTE_MS;
  const history: WindowCounts[] = [];
  for (let k = 1; k <= p.baselineWindows; k++)
    history.push(series.window(end - (k + 1) * w, end - k * w));
  return { current: series.window(end - w, end), history };
}

/** How far back the minute rollups must be read to evaluate windows ending at `end`. */
export function lookbackMs(p: DetectorParams): number {
  return (p.baselineWindows + 1) * p.windowMinutes * MINUTE_MS;
}
