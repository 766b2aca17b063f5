import type { Influence, InfluenceTier } from '@hark/events';

/** Followers at which the log-scale score reaches 1 (ten million). */
const SATURATION = 1e7;

/**
 * Influence from followers on a log scale (10 → 0.13, 1k → 0.39, 100k → 0.64,
 * 10M → 0.9) plus 0.1 for a verified account. Tier bands follow the schema:
 * nano < 1k ≤ micro < 10k ≤ mid < 100k ≤ macro < 1M ≤ mega; unknown at 0.
 */
export function influenceOf(followers: number, verified: boolean): Influence {
  const f = Number.isFinite(followers) && followers > 0 ? followers : 0;
  const base = f > 0 ? Math.min(1, Math.log10(f + 1) / Math.log10(SATURATION + 1)) : 0;
  const score = Math.min(1, base * 0.9 + (verified ? 0.1 : 0));
  return { score: Math.round(score * 10_000) / 10_000, tier: tierOf(f) };
}

function tierOf(f: number): InfluenceTier {
  if (f <= 0) return 'unknown';
  if (f < 1_000) return 'nano';
  if (f < 10_000) return 'micro';
  if (f < 100_000) return 'mid';
  if (f < 1_000_000) return 'macro';
  return 'mega';
}
