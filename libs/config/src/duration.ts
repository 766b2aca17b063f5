/** A span of time parsed from text like `30s`, `5m`, `1h30m` or `7d`; prints as it was written. */
export interface Duration {
  readonly ms: number;
  readonly text: string;
  toString(): string;
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const PART = /(\d+)(ms|s|m|h|d|w)/y;

/** Parses `<n><unit>` parts (units ms, s, m, h, d, w). */
export function parseDuration(raw: string): Duration {
  const text = raw.trim();
  let ms = 0;
  let parts = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const m = PART.exec(text);
    if (!m) throw new Error(`must be a duration like 30s, 5m or 1h30m, got "${raw}"`);
    ms += Number(m[1]) * UNIT_MS[m[2]!]!;
    parts++;
  }
  if (parts === 0) throw new Error(`must be a duration like 30s, 5m or 1h30m, got "${raw}"`);
  return Object.freeze({ ms, text, toString: () => text });
}

/** A config parser for durations within bounds. */
export const duration =
  (opts: { min?: string; max?: string } = {}) =>
  (raw: string): Duration => {
    const d = parseDuration(raw);
    if (opts.min && d.ms < parseDuration(opts.min).ms)
      throw new Error(`must be at least ${opts.min}`);
    if (opts.max && d.ms > parseDuration(opts.max).ms)
      throw new Error(`must be at most ${opts.max}`);
    return d;
  };
