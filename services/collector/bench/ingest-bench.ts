/**
 * HTTP ingest throughput over loopback against the real broker and registry:
 * batches of 100 mentions, `BENCH_CONCURRENCY` requests in flight, every
 * 202 acknowledged by Kafka (acks=all). The load runs in a worker thread.
 *
 *   make stack-up && npm run bench:ingest -w @hark/collector
 *
 * BENCH_KAFKA=off swaps the producer for one that acknowledges at once, to
 * see the collector's own cost (parse, validate, match, encode, respond).
 * BENCH_PRIVACY=off produces in clear (no keyring, no minimisation) to
 * measure what crypto-shredding costs; on (default) is what main.ts runs.
 */
import { Worker } from 'node:worker_threads';
import { BENCH_API_KEY, startBenchCollector } from './bench-collector.ts';

const KAFKA_OFF = process.env.BENCH_KAFKA === 'off';
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 3000);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 15_000);
const PRIVACY = process.env.BENCH_PRIVACY !== 'off';

const bench = await startBenchCollector({
  name: 'collector-bench',
  kafkaOff: KAFKA_OFF,
  privacy: PRIVACY,
  maxFutureSkewMs: 3_600_000,
  produceTimeoutMs: 5000,
});
const { registry } = bench;

const texts = [
  'Third time my @AcmeSupport router dropped the connection today #fail',
  'Switched from Initech Broadband to Globex One, speeds are fine so far',
  'Umbrella Mobile roaming fees are a joke, again',
  'Is #AcmeFiber down for anyone else in Lyon?',
  'Globex Corporation support answered in two minutes, impressed',
  'thinking about Acme Box vs Initech Home, any advice?',
  'lovely weather today, nothing to do with broadband',
];
let id = 0;
const bodies = Array.from({ length: 200 }, () =>
  JSON.stringify(
    Array.from({ length: BATCH }, (_, i) => ({
      platform: 'x',
      id: String(1_870_000_000_000_000_000n + BigInt(id++)),
      url: `https://x.com/user${i}/status/${id}`,
      author: {
        id: String(100_000 + (id % 5000)),
        handle: `user${id % 5000}`,
        name: `User ${id % 5000}`,
        followers: id % 10_000,
        location: 'Lyon, France',
      },
      text: texts[id % texts.length],
      lang: 'en',
      createdAt: new Date(Date.UTC(2026, 10, 20) + id * 1000).toISOString(),
      engagement: { likes: id % 50, shares: id % 7, replies: id % 3, views: id % 1000 },
    })),
  ),
);

const cpuBefore = process.cpuUsage();
const wallBefore = Date.now();
const result = await new Promise<{ requests: number; failures: number; latencies: number[] }>(
  (resolve, reject) => {
    const worker = new Worker(new URL('./ingest-load.mjs', import.meta.url), {
      workerData: {
        url: bench.url,
        apiKey: BENCH_API_KEY,
        bodies,
        concurrency: CONCURRENCY,
        warmupMs: WARMUP_MS,
        durationMs: DURATION_MS,
      },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
  },
);

const cpu = process.cpuUsage(cpuBefore);
const wall = Date.now() - wallBefore;
const sorted = result.latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  +(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0).toFixed(1);
const metrics = await registry.getMetricsAsJSON();
const accepted =
  metrics
    .find((m) => m.name === 'hark_collector_accepted_total')
    ?.values.reduce((s, v) => s + v.value, 0) ?? 0;
const produce = (metrics.find((m) => m.name === 'hark_collector_produce_duration_seconds')
  ?.values ?? []) as {
  metricName?: string;
  value: number;
}[];
const produceSum = produce
  .filter((v) => v.metricName?.endsWith('_sum'))
  .reduce((s, v) => s + v.value, 0);
const produceCount = produce
  .filter((v) => v.metricName?.endsWith('_count'))
  .reduce((s, v) => s + v.value, 0);
const unmatched =
  metrics
    .find((m) => m.name === 'hark_collector_unmatched_total')
    ?.values.reduce((s, v) => s + v.value, 0) ?? 0;
console.log(
  JSON.stringify({
    bench: KAFKA_OFF ? 'http-ingest-without-kafka' : 'http-ingest',
    batch: BATCH,
    concurrency: CONCURRENCY,
    seconds: DURATION_MS / 1000,
    requestsPerSecond: Math.round(result.requests / (DURATION_MS / 1000)),
    mentionsPerSecond: Math.round((result.requests * BATCH) / (DURATION_MS / 1000)),
    failures: result.failures,
    latencyMs: { p50: pct(0.5), p90: pct(0.9), p99: pct(0.99) },
    totals: { accepted, unmatched },
    produceMsMean: +((produceSum / Math.max(produceCount, 1)) * 1000).toFixed(1),
    // Collector and load worker share this process: CPU seconds per wall second (2.0 = both cores).
    processCores: +((cpu.user + cpu.system) / 1000 / wall).toFixed(2),
  }),
);
await bench.close();
