/**
 * CPU per mention of the collector process alone (issue 20): generated
 * mentions (@hark/traffic, the e2e benchmark's mix) posted over loopback in
 * batches of 200, 8 in flight, by a load generator in a child process; the
 * real HTTP API, validation, matching, sealing with a real keyring, Avro
 * through the registry and kafkajs with acks=all to random topics.
 *
 *   nice -n 5 npm run bench:cpu -w @hark/collector
 *   node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof services/collector/bench/cpu-bench.ts
 *
 * BENCH_MENTIONS (60,000), BENCH_BATCH (200), BENCH_CONCURRENCY (8),
 * BENCH_WARMUP_BATCHES (40); BENCH_KAFKA=off swaps the producer for one that
 * acknowledges at once. BENCH_ALLOC_PROFILE=<file.heapprofile> samples every
 * allocation of the measured run, collected ones included (what --heap-prof
 * leaves out: it keeps only what is still alive at exit); BENCH_CPU_PROFILE=<file.cpuprofile>
 * profiles the measured run alone. Prints one JSON line: µs of CPU per mention (user,
 * system), GC time and count per 1,000 mentions, heap used after the run.
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { profileCpu } from '@hark/testing';
import { createRng, generateTraffic } from '@hark/traffic';
import { BENCH_API_KEY, startBenchCollector } from './bench-collector.ts';

const MENTIONS = Number(process.env.BENCH_MENTIONS ?? 60_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const WARMUP_BATCHES = Number(process.env.BENCH_WARMUP_BATCHES ?? 40);
const KAFKA_OFF = process.env.BENCH_KAFKA === 'off';
const bench = await startBenchCollector({
  name: 'collector-cpu-bench',
  kafkaOff: KAFKA_OFF,
  privacy: true,
  maxFutureSkewMs: 900_000,
  produceTimeoutMs: 10_000,
});
const { brands, registry, url } = bench;

/** Request bodies of `count` generated posts, as the e2e benchmark sends them. */
function bodiesOf(count: number, runId: string): string[] {
  const { posts } = generateTraffic({
    brands,
    customers: [],
    count,
    rng: createRng(count),
    end: Date.now() - 60_000,
    days: 2,
    runId,
  });
  const bodies: string[] = [];
  for (let i = 0; i < posts.length; i += BATCH)
    bodies.push(JSON.stringify(posts.slice(i, i + BATCH)));
  return bodies;
}

/**
 * A child process holding `bodies`; `run()` posts each once and resolves with
 * the count of each status. The bodies are sent before `run()`, so the IPC
 * copy stays out of the measured CPU.
 */
async function loadOf(bodies: string[]): Promise<{ run(): Promise<Record<string, number>> }> {
  const child = fork(new URL('./cpu-load.mjs', import.meta.url), { execArgv: [] });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('error', reject);
    child.send({ url, apiKey: BENCH_API_KEY, bodies, concurrency: CONCURRENCY });
  });
  return {
    run: () =>
      new Promise((resolve, reject) => {
        child.once('message', (m) => resolve((m as { statuses: Record<string, number> }).statuses));
        child.once('error', reject);
        child.send('go');
      }),
  };
}

const runId = `cpu${Date.now().toString(36)}`;
const warmup = bodiesOf(WARMUP_BATCHES * BATCH, `${runId}w`);
const measured = await loadOf(bodiesOf(MENTIONS, runId));
await (await loadOf(warmup)).run();

let gcMs = 0;
let gcCount = 0;
const gc = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcMs += e.duration;
    gcCount++;
  }
});
gc.observe({ entryTypes: ['gc'] });
const cpuProfileFile = process.env.BENCH_CPU_PROFILE;
const allocations = await startAllocationProfile(process.env.BENCH_ALLOC_PROFILE);
const acceptedBefore = await counter('hark_collector_accepted_total');
const cpuBefore = process.cpuUsage();
const wallBefore = performance.now();
const statuses = await (cpuProfileFile
  ? profileCpu(() => measured.run()).then(({ result, profile }) => {
      writeFileSync(cpuProfileFile, JSON.stringify(profile));
      return result;
    })
  : measured.run());
const cpu = process.cpuUsage(cpuBefore);
const wallMs = performance.now() - wallBefore;
gc.disconnect();
await allocations?.stop();
const accepted = (await counter('hark_collector_accepted_total')) - acceptedBefore;

console.log(
  JSON.stringify({
    bench: KAFKA_OFF ? 'collector-cpu-without-kafka' : 'collector-cpu',
    mentions: MENTIONS,
    accepted,
    statuses,
    batch: BATCH,
    concurrency: CONCURRENCY,
    cpuUsPerMention: +((cpu.user + cpu.system) / MENTIONS).toFixed(1),
    userUs: +(cpu.user / MENTIONS).toFixed(1),
    systemUs: +(cpu.system / MENTIONS).toFixed(1),
    gcMsPer1000: +((gcMs / MENTIONS) * 1000).toFixed(2),
    gcShare: +(gcMs / ((cpu.user + cpu.system) / 1000)).toFixed(3),
    gcPer1000: +((gcCount / MENTIONS) * 1000).toFixed(1),
    mentionsPerSecond: Math.round(MENTIONS / (wallMs / 1000)),
    heapUsedMb: Math.round(process.memoryUsage().heapUsed / 1e6),
  }),
);
await bench.close();

async function counter(name: string): Promise<number> {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
  return m?.values.reduce((s, v) => s + v.value, 0) ?? 0;
}

/** Samples allocations of the measured run, garbage included, into `file` (open it in DevTools). */
async function startAllocationProfile(file: string | undefined) {
  if (!file) return undefined;
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  return {
    async stop() {
      const { profile } = await session.post('HeapProfiler.stopSampling');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}
