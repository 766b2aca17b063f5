/**
 * Spike detection on generated traffic: per-minute series for many brand ×
 * platform pairs over several simulated days, with a daily rhythm, Poisson
 * noise (over-dispersed by a slow random level) and injected spikes of
 * varying size, run through the same pure detector the service runs. Prints
 * detection delay, recall and false alerts per series-day.
 *
 *   npm run bench -w @hark/action-router [-- --series 300 --days 7 --seed 7]
 */
import { parseArgs } from 'node:util';
import { createRng, type Rng } from '@hark/traffic';
import {
  DEFAULT_PARAMS,
  describeDetector,
  type DetectorParams,
} from '../src/domain/spikes/detector.ts';
import { evaluateSeries, type SeriesState } from '../src/domain/spikes/evaluate.ts';
import { MINUTE_MS, MinuteSeries } from '../src/domain/spikes/series.ts';

const { values: args } = parseArgs({
  options: {
    series: { type: 'string', default: '300' },
    days: { type: 'string', default: '7' },
    seed: { type: 'string', default: '7' },
    'spikes-per-day': { type: 'string', default: '0.5' },
    /** Detector overrides, as `--param openZ=6 --param baseline=median`. */
    param: { type: 'string', multiple: true, default: [] },
  },
});
const SERIES = Number(args.series);
const DAYS = Number(args.days);
const SPIKES_PER_DAY = Number(args['spikes-per-day']);
const MINUTES = DAYS * 1440;
const WARMUP = 360; // the first 6 hours only build the baseline
const T0 = Date.UTC(2026, 10, 1);

interface Spike {
  kind: 'volume' | 'negative_share';
  start: number; // minute index
  minutes: number;
  /** Volume multiplier (volume) or absolute negative-share increase (negative_share). */
  size: number;
  /** Expected extra mentions (volume) or extra negatives (share) per detector window at full size. */
  extraPerWindow: number;
  detectedAt?: number;
}

function poisson(rng: Rng, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 40) {
    const u = 1 - rng.next();
    const v = rng.next();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
  }
  const l = Math.exp(-lambda);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rng.next();
  } while (p > l);
  return k - 1;
}

function binomial(rng: Rng, n: number, p: number): number {
  if (n > 60) {
    const mean = n * p;
    const sd = Math.sqrt(n * p * (1 - p));
    const u = 1 - rng.next();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
    return Math.min(n, Math.max(0, Math.round(mean + sd * z)));
  }
  let k = 0;
  for (let i = 0; i < n; i++) if (rng.next() < p) k++;
  return k;
}

function logUniform(rng: Rng, lo: number, hi: number): number {
  return Math.exp(Math.log(lo) + rng.next() * (Math.log(hi) - Math.log(lo)));
}

function simulate(rng: Rng, p: DetectorParams) {
  const base = logUniform(rng, 0.02, 30); // mentions per minute at the daily mean
  const negBase = 0.08 + rng.next() * 0.22;
  const phase = rng.next() * 2 * Math.PI;
  const spikes: Spike[] = [];
  const n = poisson(rng, SPIKES_PER_DAY * DAYS);
  for (let i = 0; i < n; i++) {
    const kind = rng.chance(0.6) ? 'volume' : 'negative_share';
    const start = WARMUP + Math.floor(rng.next() * (MINUTES - WARMUP - 200));
    const minutes = 10 + Math.floor(rng.next() * 80);
    const size = kind === 'volume' ? logUniform(rng, 1.5, 10) : 0.1 + rng.next() * 0.45;
    const atStart = base * (1 + 0.6 * Math.sin((2 * Math.PI * start) / 1440 + phase));
    const extraPerWindow =
      kind === 'volume' ? atStart * (size - 1) * p.windowMinutes : atStart * size * p.windowMinutes;
    spikes.push({ kind, start, minutes, size, extraPerWindow });
  }
  // Spikes in one series must not overlap, or one alert covers two of them.
  spikes.sort((a, b) => a.start - b.start);
  const kept = spikes.filter(
    (s, i) => i === 0 || s.start > spikes[i - 1]!.start + spikes[i - 1]!.minutes + 240,
  );
  const series = new MinuteSeries(T0, MINUTES);
  let level = 1; // slow random level: real traffic is burstier than Poisson
  for (let t = 0; t < MINUTES; t++) {
    if (t % 30 === 0) level = Math.exp(0.15 * (rng.next() * 2 - 1));
    let lambda = base * level * (1 + 0.6 * Math.sin((2 * Math.PI * t) / 1440 + phase));
    let neg = negBase;
    for (const s of kept) {
      if (t < s.start || t >= s.start + s.minutes) continue;
      const ramp = Math.min(1, (t - s.start + 1) / 3);
      if (s.kind === 'volume') lambda *= 1 + (s.size - 1) * ramp;
      else neg = Math.min(0.95, negBase + s.size * ramp);
    }
    const mentions = poisson(rng, lambda);
    const scored = binomial(rng, mentions, 0.95);
    series.add(T0 + t * MINUTE_MS, { mentions, scored, negative: binomial(rng, scored, neg) });
  }
  return { series: series.seal(), spikes: kept };
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const params: DetectorParams = { ...DEFAULT_PARAMS };
for (const kv of args.param ?? []) {
  const [k, v] = kv.split('=') as [keyof DetectorParams, string];
  if (!(k in params)) throw new Error(`unknown detector parameter ${k}`);
  (params as unknown as Record<string, unknown>)[k] = k === 'baseline' ? v : Number(v);
}
const rng = createRng(Number(args.seed));
const started = performance.now();
const delays: number[] = [];
const all: Spike[] = [];
let falseAlerts = 0;
const falseByMetric = { volume: 0, negative_share: 0, other: 0 };
let alerts = 0;
for (let i = 0; i < SERIES; i++) {
  const { series, spikes } = simulate(rng, params);
  const ends: number[] = [];
  for (let t = WARMUP; t <= MINUTES; t++) ends.push(T0 + t * MINUTE_MS);
  const state: SeriesState = { lastEvaluatedEnd: null, episodes: {} };
  const { openings } = evaluateSeries(
    { brand: `b${i}`, platform: 'x' },
    series,
    ends,
    state,
    params,
  );
  for (const o of openings) {
    alerts++;
    const startMin = (o.windowStart - T0) / MINUTE_MS;
    const endMin = (o.windowEnd - T0) / MINUTE_MS;
    // An alert belongs to a spike when its window overlaps the spike (plus one window after it).
    const spike = spikes.find(
      (s) => endMin > s.start && startMin < s.start + s.minutes + params.windowMinutes,
    );
    if (!spike) {
      falseAlerts++;
      falseByMetric[o.metric]++;
    } else if (spike.detectedAt === undefined) {
      spike.detectedAt = endMin;
      delays.push(endMin - spike.start);
    }
  }
  all.push(...spikes);
}
const seconds = (performance.now() - started) / 1000;
const seriesDays = (SERIES * (MINUTES - WARMUP)) / 1440;
delays.sort((a, b) => a - b);

function recall(filter: (s: Spike) => boolean): string {
  const set = all.filter(filter);
  const hit = set.filter((s) => s.detectedAt !== undefined).length;
  return `${hit}/${set.length} (${set.length ? ((100 * hit) / set.length).toFixed(1) : '–'}%)`;
}
const material = (s: Spike) =>
  s.kind === 'volume'
    ? s.size >= 2 && s.extraPerWindow >= 2 * params.minVolume
    : s.size >= 0.25 && s.extraPerWindow >= 2 * params.minNegative;

console.log(
  `spike detection benchmark: ${SERIES} series × ${DAYS} days (first ${WARMUP / 60} h warm-up), seed ${args.seed}`,
);
console.log(
  `detector: ${describeDetector(params)} close-after=${params.closeAfterEvaluations} evaluations (1/min)`,
);
console.log(
  `injected spikes: ${all.length} (${all.filter((s) => s.kind === 'volume').length} volume ×1.5–10, ${all.filter((s) => s.kind === 'negative_share').length} negative share +0.10–0.55), 10–90 min each`,
);
console.log(`recall, all spikes:                 ${recall(() => true)}`);
console.log(
  `recall, material spikes:            ${recall(material)}  (volume ≥×2 and ≥${2 * params.minVolume} extra mentions per window; share ≥+0.25 and ≥${2 * params.minNegative} extra negatives per window)`,
);
console.log(
  `recall, volume / negative share:    ${recall((s) => s.kind === 'volume')} / ${recall((s) => s.kind === 'negative_share')}`,
);
console.log(
  `detection delay (spike start → end of the alerting window), min: p50 ${quantile(delays, 0.5)}, p95 ${quantile(delays, 0.95)}, max ${delays.at(-1)}`,
);
console.log(
  `  + in the service: ALERT_GRACE (default 2 min) + up to one ALERT_INTERVAL (default 30 s)`,
);
console.log(
  `alerts: ${alerts}; false alerts: ${falseAlerts} = ${(falseAlerts / seriesDays).toFixed(4)} per series-day (${seriesDays.toFixed(0)} series-days; volume ${falseByMetric.volume}, negative share ${falseByMetric.negative_share})`,
);
console.log(
  `evaluations: ${(SERIES * (MINUTES - WARMUP)).toLocaleString('en')} in ${seconds.toFixed(1)} s`,
);
