/**
 * `npm run bench:floor`: the stage loop's floor on its own, without the services. One or a few
 * pass-through hops (`pass-through-stage.ts`: hark's real `createStage`, a handler that copies
 * each record) chained over private random topics on the shared broker, fed at a fixed rate;
 * prints per hop the CPU per record (/proc/<pid>/stat), the latency hop to hop (p50, p99, max:
 * from the record's timestamp in the hop's input topic to its arrival in the output topic at
 * this driver's consumer), and the broker's CPU per record fed. Topics are deleted at the end.
 *
 * Each hop may run its own script and environment (`BENCH_FLOOR_STAGES`, `BENCH_FLOOR_HOP_ENV`),
 * so two variants chained in one run are an A/B under the same load and the same noise; swap
 * their order between runs, since the first hop sees the driver's batches and the second the
 * first hop's.
 *
 *   npx tsx deploy/bench/floor.ts
 *   BENCH_FLOOR_HOPS=2 BENCH_FLOOR_HOP_ENV='[{},{"X":"1"}]' npx tsx deploy/bench/floor.ts
 *   BENCH_FLOOR_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' npx tsx deploy/bench/floor.ts
 *
 * The broker's figure covers everything on it during the window: the driver's produce, each
 * hop's fetch, produce and commit, and this driver's consumer of every hop's output.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { commonSettings, int, parseConfig, setting, str } from '@hark/config';
import { createKafka, createProducer } from '@hark/kafka';
import { createLogger } from '@hark/observability';
import { processCpu, processCpuSeconds, stackPid } from './proc.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const config = parseConfig({
  kafkaBrokers: commonSettings.kafkaBrokers,
  rate: setting({
    env: 'BENCH_FLOOR_RATE',
    doc: 'records/s fed to the first hop',
    parse: int({ min: 100 }),
    default: 5000,
  }),
  seconds: setting({
    env: 'BENCH_FLOOR_SECONDS',
    doc: 'length of the measured window, after the warm-up',
    parse: int({ min: 5 }),
    default: 30,
  }),
  warmupSeconds: setting({
    env: 'BENCH_FLOOR_WARMUP_SECONDS',
    doc: 'seconds fed before the window opens (JIT, group joins)',
    parse: int({ min: 0 }),
    default: 5,
  }),
  hops: setting({
    env: 'BENCH_FLOOR_HOPS',
    doc: 'pass-through hops chained',
    parse: int({ min: 1, max: 8 }),
    default: 1,
  }),
  recordBytes: setting({
    env: 'BENCH_FLOOR_RECORD_BYTES',
    doc: 'value size of each record',
    parse: int({ min: 16 }),
    default: 1000,
  }),
  sendBatch: setting({
    env: 'BENCH_FLOOR_SEND_BATCH',
    doc: 'records per produce request of the driver (make bench sends 200)',
    parse: int({ min: 1 }),
    default: 200,
  }),
  partitions: setting({
    env: 'BENCH_FLOOR_PARTITIONS',
    doc: 'partitions of each topic',
    parse: int({ min: 1 }),
    default: 6,
  }),
  stages: setting({
    env: 'BENCH_FLOOR_STAGES',
    doc: 'comma-separated hop scripts, one per hop or one for all',
    parse: str(),
    default: `${ROOT}deploy/bench/pass-through-stage.ts`,
  }),
  hopEnv: setting({
    env: 'BENCH_FLOOR_HOP_ENV',
    doc: 'JSON array of extra environment variables per hop, e.g. [{},{"X":"1"}]',
    parse: str(),
    default: '[]',
  }),
  nodeArgs: setting({
    env: 'BENCH_FLOOR_NODE_ARGS',
    doc: 'extra node flags for every hop (--cpu-prof, --trace-gc, …)',
    parse: (raw) => raw.split(' ').filter(Boolean),
    default: [] as string[],
  }),
});

const log = (s: string) => process.stderr.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function hopPlan(hops: number) {
  const scripts = config.stages.split(',');
  const envs = JSON.parse(config.hopEnv) as Record<string, string>[];
  return Array.from({ length: hops }, (_, i) => ({
    script: scripts[Math.min(i, scripts.length - 1)]!,
    env: envs[i] ?? {},
  }));
}

const { rate, hops, partitions } = config;
const logger = createLogger({ service: 'bench-floor', level: 'warn' });
const kafka = createKafka({ clientId: 'bench-floor', brokers: config.kafkaBrokers, logger });
const admin = kafka.admin();
await admin.connect();
const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const topics = Array.from({ length: hops + 1 }, (_, i) => `bench.floor.${run}.${i}`);
await admin.createTopics({
  waitForLeaders: true,
  topics: topics.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
});
const plan = hopPlan(hops);
const children = plan.map(({ script, env }, i) =>
  spawn(
    'node',
    [...config.nodeArgs, '--import', 'tsx', script, topics[i]!, topics[i + 1]!, `${topics[i]}.g`],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } },
  ),
);

// Per topic 1..hops: the Kafka timestamp (when the hop produced it) and the arrival here of
// each record, by its sequence number (the key).
const total = rate * (config.warmupSeconds + config.seconds);
const sentAt = new Float64Array(total);
const stamped = topics.slice(1).map(() => new Float64Array(total));
const arrived = topics.slice(1).map(() => new Float64Array(total));
let lastSeen = 0;
const reader = kafka.consumer({ groupId: `bench.floor.${run}.reader`, maxWaitTimeInMs: 100 });
const producer = createProducer(kafka);
try {
  await Promise.all(children.map((c) => once(c.stdout!, 'data')));
  // Whatever a hop prints after 'ready' (--trace-gc, …) goes to stderr; a full pipe would block it.
  for (const c of children) c.stdout!.pipe(process.stderr);
  await reader.connect();
  for (const topic of topics.slice(1)) await reader.subscribe({ topic, fromBeginning: true });
  await reader.run({
    partitionsConsumedConcurrently: 64,
    eachBatch: async ({ batch }) => {
      const hop = topics.indexOf(batch.topic) - 1;
      const now = Date.now();
      for (const m of batch.messages) {
        const n = Number(m.key!.toString());
        stamped[hop]![n] = Number(m.timestamp);
        arrived[hop]![n] = now;
        if (hop === hops - 1) lastSeen++;
      }
    },
  });
  await producer.connect();
  log(
    `▸ floor: ${hops} hop(s) [${plan.map((p) => `${p.script.split('/').pop()} ${JSON.stringify(p.env)}`).join(' → ')}], ${rate.toLocaleString()} records/s × ${config.recordBytes} B, ${config.warmupSeconds} s warm-up + ${config.seconds} s`,
  );

  const kafkaPid = stackPid('kafka');
  const batchSize = config.sendBatch;
  const warmupRecords = rate * config.warmupSeconds;
  let before: { hops: number[]; hopsSystem: number[]; kafka: number; at: number } | undefined;
  const t0 = Date.now();
  for (let sent = 0; sent < total; sent += batchSize) {
    if (sent >= warmupRecords && !before)
      before = {
        hops: children.map((c) => processCpuSeconds(c.pid!)),
        hopsSystem: children.map((c) => processCpu(c.pid!).system),
        kafka: processCpuSeconds(kafkaPid),
        at: Date.now(),
      };
    const now = Date.now();
    const messages = Array.from({ length: Math.min(batchSize, total - sent) }, (_, j) => {
      sentAt[sent + j] = now;
      return { key: String(sent + j), value: Buffer.alloc(config.recordBytes, 1) };
    });
    await producer.send({ topic: topics[0]!, acks: -1, messages });
    const wait = t0 + ((sent + batchSize) / rate) * 1000 - Date.now();
    if (wait > 0) await sleep(wait);
  }
  const fedFor = (Date.now() - before!.at) / 1000;
  while (lastSeen < total) {
    if (Date.now() - t0 > (config.warmupSeconds + config.seconds) * 1000 + 120_000)
      throw new Error(`the hops did not catch up within 2 minutes (${lastSeen} of ${total})`);
    await sleep(50);
  }
  const drainedIn = (Date.now() - before!.at) / 1000;
  const windowRecords = total - warmupRecords;
  const perRecord = (cpu: number) => (cpu * 1e6) / windowRecords;
  const hopCpu = children.map((c, i) => perRecord(processCpuSeconds(c.pid!) - before!.hops[i]!));
  const hopSystem = children.map((c, i) =>
    perRecord(processCpu(c.pid!).system - before!.hopsSystem[i]!),
  );
  const kafkaCpu = perRecord(processCpuSeconds(kafkaPid) - before!.kafka);

  const result = plan.map((p, i) => {
    const from = i === 0 ? sentAt : stamped[i - 1]!;
    const lat = new Float64Array(windowRecords);
    for (let n = warmupRecords; n < total; n++) lat[n - warmupRecords] = arrived[i]![n]! - from[n]!;
    lat.sort();
    return {
      hop: i,
      script: p.script.split('/').pop(),
      env: p.env,
      cpuMicrosPerRecord: Math.round(hopCpu[i]! * 10) / 10,
      systemCpuMicrosPerRecord: Math.round(hopSystem[i]! * 10) / 10,
      latencyMs: { p50: percentile(lat, 50), p99: percentile(lat, 99), max: lat[lat.length - 1] },
    };
  });
  const summary = {
    ratePerSec: rate,
    achievedPerSec: Math.round(windowRecords / drainedIn),
    fedPerSec: Math.round(windowRecords / fedFor),
    records: windowRecords,
    recordBytes: config.recordBytes,
    kafkaCpuMicrosPerRecord: Math.round(kafkaCpu * 10) / 10,
    hops: result,
  };
  for (const h of result)
    log(
      `  hop ${h.hop} ${h.script} ${JSON.stringify(h.env)}: ${h.cpuMicrosPerRecord} µs CPU/record (system ${h.systemCpuMicrosPerRecord}), latency p50 ${h.latencyMs.p50} ms, p99 ${h.latencyMs.p99} ms, max ${h.latencyMs.max} ms`,
    );
  log(
    `  broker: ${summary.kafkaCpuMicrosPerRecord} µs CPU/record fed; reached ${summary.achievedPerSec.toLocaleString()}/s`,
  );
  process.stdout.write(`${JSON.stringify(summary)}\n`);
} finally {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? once(c, 'exit') : null)));
  await reader.disconnect().catch(() => {});
  await producer.disconnect().catch(() => {});
  await admin.deleteTopics({ topics }).catch(() => {});
  await admin
    .deleteGroups([...topics.slice(0, -1).map((t) => `${t}.g`), `bench.floor.${run}.reader`])
    .catch(() => {});
  await admin.disconnect();
}
