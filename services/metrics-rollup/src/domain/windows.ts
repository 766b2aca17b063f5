/** Rollup grains, smallest first. Windows are aligned to the UTC epoch, so days start at 00:00 UTC. */
export const GRAINS = ['minute', 'hour', 'day'] as const;
export type Grain = (typeof GRAINS)[number];

export const GRAIN_MS: Readonly<Record<Grain, number>> = Object.freeze({
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
});

export const DAY_MS = GRAIN_MS.day;

/** Start (epoch ms, UTC) of the `grain` window holding `eventTimeMs`; windows are [start, start + grain). */
export function windowStart(eventTimeMs: number, grain: Grain): number {
  const size = GRAIN_MS[grain];
  // Math.floor, not truncation: an event before 1970 belongs to the window that starts before it.
  return Math.floor(eventTimeMs / size) * size;
}

/** The window of every grain that an event at `eventTimeMs` counts in. */
export function windowsOf(eventTimeMs: number): Record<Grain, number> {
  return {
    minute: windowStart(eventTimeMs, 'minute'),
    hour: windowStart(eventTimeMs, 'hour'),
    day: windowStart(eventTimeMs, 'day'),
  };
}
