/**
 * `make bench`: the whole pipeline on this machine, with the broker and the
 * database on it. Needs the stack and the five services up (the Makefile
 * target does that). Measures, in one run:
 *  1. Kafka's own ceiling: ProducerPerformance and ConsumerPerformance from the
 *     same jars, 600-byte records (about one Avro mention), acks=all;
 *  2. sustained end-to-end throughput: N mentions posted as fast as the
 *     collector takes them, until the last is visible in the rollups;
 *  3. latency from acceptance (the collector's collectedAt) to visibility (the
 *     fact row's ingested_at, the rollup transaction's start) at half that rate;
 *  4. per-stage throughput from each service's /metrics, and each service's
 *     peak resident memory (VmHWM);
 *  5. the stage loop's own floor: four pass-through hops (`pass-through-stage.ts`, the
 *     real `createStage` with a handler that only copies records) fed at a fixed rate in
 *     batches of 200, and the CPU each hop and the broker spend per record. That is what
 *     the pipeline pays before any stage does its own work.
 * Results: bench-results/e2e.json and a markdown table on stdout.
 */
import { execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import { once } from 'node:events';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadBrandsConfig } from '@hark/brands';
import { commonSettings, int, parseConfig, setting } from '@hark/config';
import { createKafka, createProducer } from '@hark/kafka';
import { createLogger } from '@hark/observability';
import { createRng, generateTraffic, type GenericPost } from '@hark/traffic';
import pg from 'pg';
import { cpuOfStat, processCpuSeconds, stackPid } from './proc.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const config = parseConfig({
  databaseUrl: commonSettings.databaseUrl,
  kafkaBrokers: commonSettings.kafkaBrokers,
  mentions: setting({
    env: 'BENCH_MENTIONS',
    doc: 'mentions for the throughput run',
    parse: int({ min: 1000 }),
    default: 60_000,
  }),
  latencySeconds: setting({
    env: 'BENCH_LATENCY_SECONDS',
    doc: 'length of the fixed-rate latency run',
    parse: int({ min: 5 }),
    default: 30,
  }),
  floorRate: setting({
    env: 'BENCH_FLOOR_RATE',
    doc: 'records/s fed to the pass-through stage-loop floor',
    parse: int({ min: 100 }),
    default: 5000,
  }),
  floorSeconds: setting({
    env: 'BENCH_FLOOR_SECONDS',
    doc: 'length of the stage-loop floor run',
    parse: int({ min: 5 }),
    default: 20,
  }),
  perfRecords: setting({
    env: 'BENCH_KAFKA_RECORDS',
    doc: 'records for Kafka perf tools',
    parse: int({ min: 10_000 }),
    default: 500_000,
  }),
});
const API = 'http://127.0.0.1:8080/v1/mentions';
const KEY = (process.env.COLLECTOR_API_KEYS ?? 'hark-demo-key-local').split(',')[0]!;
const SERVICES = {
  collector: 9101,
  'sentiment-scoring': 9102,
  'identity-resolution': 9103,
  'metrics-rollup': 9104,
  'action-router': 9105,
} as const;
const db = new pg.Pool({ connectionString: config.databaseUrl, max: 2, application_name: 'bench' });
const brands = loadBrandsConfig(`${ROOT}deploy/local/brands.yaml`);
const log = (s: string) => process.stderr.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- Kafka's ceiling
function kafkaTool(cls: string, args: string[]): string {
  return execFileSync(
    'java',
    [
      '-Xmx512m',
      `-Dlog4j.configuration=file:${ROOT}deploy/local/kafka/tools-log4j.properties`,
      '-cp',
      `${ROOT}.stack/kafka-libs/*`,
      cls,
      ...args,
    ],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

function kafkaCeiling() {
  const topic = `bench.perf.${Date.now().toString(36)}`;
  const bootstrap = config.kafkaBrokers[0]!;
  kafkaTool('org.apache.kafka.tools.TopicCommand', [
    '--bootstrap-server',
    bootstrap,
    '--create',
    '--topic',
    topic,
    '--partitions',
    '6',
  ]);
  try {
    log(`▸ Kafka ProducerPerformance: ${config.perfRecords.toLocaleString()} × 600 B, acks=all`);
    const prod = kafkaTool('org.apache.kafka.tools.ProducerPerformance', [
      '--topic',
      topic,
      '--num-records',
      String(config.perfRecords),
      '--record-size',
      '600',
      '--throughput',
      '-1',
      '--producer-props',
      `bootstrap.servers=${bootstrap}`,
      'acks=all',
      'linger.ms=5',
      'batch.size=131072',
    ]);
    const last = prod.trim().split('\n').pop()!;
    const produceRate = Number(/([\d.]+) records\/sec/.exec(last)?.[1]);
    log(`▸ Kafka ConsumerPerformance`);
    const cons = kafkaTool('org.apache.kafka.tools.ConsumerPerformance', [
      '--bootstrap-server',
      bootstrap,
      '--topic',
      topic,
      '--messages',
      String(config.perfRecords),
      '--timeout',
      '60000',
    ]);
    // start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, ...
    const row = cons
      .trim()
      .split('\n')
      .pop()!
      .split(',')
      .map((s) => s.trim());
    const consumeRate = Number(row[5]);
    return {
      produceRecordsPerSec: Math.round(produceRate),
      consumeRecordsPerSec: Math.round(consumeRate),
    };
  } finally {
    kafkaTool('org.apache.kafka.tools.TopicCommand', [
      '--bootstrap-server',
      bootstrap,
      '--delete',
      '--topic',
      topic,
    ]);
  }
}

// ---------------------------------------------------------------- the stage loop's floor
/**
 * A stack process and everything below it: services run under deploy/local/supervise.sh,
 * so the pid file names the supervisor and the node process is its child.
 */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      // exited meanwhile
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

async function stageLoopFloor(hops = 4) {
  const rate = config.floorRate;
  const total = rate * config.floorSeconds;
  const logger = createLogger({ service: 'bench', level: 'warn' });
  const kafka = createKafka({ clientId: 'bench-floor', brokers: config.kafkaBrokers, logger });
  const admin = kafka.admin();
  await admin.connect();
  const run = Date.now().toString(36);
  const topics = Array.from({ length: hops + 1 }, (_, i) => `bench.floor.${run}.${i}`);
  await admin.createTopics({
    waitForLeaders: true,
    topics: topics.map((topic) => ({ topic, numPartitions: 6, replicationFactor: 1 })),
  });
  const children = topics.slice(0, -1).map((from, i) =>
    spawn(
      'node',
      [
        // The same node flags as the services (deploy/local/services.sh), so the floor is theirs.
        ...(process.env.HARK_NODE_FLAGS ?? '').split(' ').filter(Boolean),
        '--import',
        'tsx',
        `${ROOT}deploy/bench/pass-through-stage.ts`,
        from,
        topics[i + 1]!,
        `bench.floor.${run}.g${i}`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'], env: process.env },
    ),
  );
  const producer = createProducer(kafka);
  try {
    await Promise.all(children.map((c) => once(c.stdout!, 'data')));
    await producer.connect();
    log(
      `▸ stage-loop floor: ${hops} pass-through hops at ${rate.toLocaleString()} records/s for ${config.floorSeconds} s`,
    );
    const kafkaPid = stackPid('kafka');
    const before = children.map((c) => processCpuSeconds(c.pid!));
    const kafkaBefore = processCpuSeconds(kafkaPid);
    const selfBefore = process.cpuUsage();
    const value = Buffer.alloc(600, 1); // about one Avro mention
    const t0 = Date.now();
    for (let sent = 0; sent < total; sent += 200) {
      await producer.send({
        topic: topics[0]!,
        acks: -1,
        messages: Array.from({ length: Math.min(200, total - sent) }, (_, j) => ({
          key: `k${sent + j}`,
          value,
        })),
      });
      const wait = t0 + ((sent + 200) / rate) * 1000 - Date.now();
      if (wait > 0) await sleep(wait);
    }
    const last = topics[hops]!;
    for (;;) {
      const ends = await admin.fetchTopicOffsets(last);
      if (ends.reduce((n, p) => n + Number(p.high), 0) >= total) break;
      if (Date.now() - t0 > config.floorSeconds * 1000 + 120_000)
        throw new Error('the pass-through hops did not catch up within 2 minutes');
      await sleep(100);
    }
    const seconds = (Date.now() - t0) / 1000;
    const self = process.cpuUsage(selfBefore);
    const perRecord = (cpu: number) => Math.round((cpu * 1e6) / total);
    const hopMicros = children.map((c, i) => perRecord(processCpuSeconds(c.pid!) - before[i]!));
    return {
      hops,
      ratePerSec: rate,
      records: total,
      achievedPerSec: Math.round(total / seconds),
      cpuMicrosPerRecordPerHop: hopMicros,
      cpuMicrosPerRecordKafka: perRecord(processCpuSeconds(kafkaPid) - kafkaBefore),
      cpuMicrosPerRecordProducer: perRecord((self.user + self.system) / 1e6),
    };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? once(c, 'exit') : null)));
    await producer.disconnect();
    await admin.deleteTopics({ topics }).catch(() => {});
    await admin.disconnect();
  }
}

// ---------------------------------------------------------------- pipeline
// The load generator shares the machine it measures, so it posts the cheapest way Node has:
// node:http on kept-alive sockets with bodies encoded before the clock starts. `fetch` (undici)
// cost ~13 µs per mention here (WHATWG streams, and a USV scan and UTF-8 encoding of every body).
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
const api = new URL(API);

function request(body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: api.hostname,
        port: api.port,
        path: api.pathname,
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${KEY}`,
          'content-type': 'application/json',
          'content-length': body.length,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Posts one batch (JSON, encoded before the clock starts) and returns how many were accepted. */
async function post(batch: Buffer): Promise<number> {
  for (;;) {
    const res = await request(batch);
    if (res.status === 503) {
      await sleep(500);
      continue;
    }
    const body = JSON.parse(res.text) as { accepted?: number; message?: string };
    if (res.status >= 300 && res.status !== 207)
      throw new Error(`collector answered ${res.status}: ${body.message}`);
    return body.accepted ?? 0;
  }
}

function traffic(count: number, runId: string): GenericPost[] {
  const end = Date.now() - 60_000;
  return generateTraffic({
    brands,
    customers: [],
    count,
    rng: createRng(count),
    end,
    days: 2,
    runId,
  }).posts;
}

interface Run {
  id: string;
  platforms: string[];
}

function runOf(id: string, posts: readonly GenericPost[]): Run {
  return { id, platforms: [...new Set(posts.map((p) => p.platform))] };
}

/**
 * A run's fact rows, found through the primary key: a mentionId is `platform:postId`
 * (collation C) and the run's post ids start with `<runId>-`, so each platform's rows are
 * one range of every partition's primary key ('.' is the character after '-'). A
 * `post_id like` filter read every mention the stack ever stored (4 million after a day
 * of runs: 2.2 s of a sequential scan, against a bitmap scan of the run's rows), and that
 * CPU went into the machine's figure. Ranges as parameters, not a join with the platform
 * list: PostgreSQL planned the join as a sequential scan.
 */
function runRows(run: Run): { where: string; params: string[] } {
  const ranges = run.platforms.map(
    (_, i) => `(mention_id >= $${2 * i + 1} and mention_id < $${2 * i + 2})`,
  );
  const params = run.platforms.flatMap((p) => [`${p}:${run.id}-`, `${p}:${run.id}.`]);
  return { where: ranges.join(' or '), params };
}

async function visible(run: Run): Promise<number> {
  const { where, params } = runRows(run);
  const { rows } = await db.query<{ n: string }>(
    `select count(*) as n from mentions where ${where}`,
    params,
  );
  return Number(rows[0]!.n);
}

async function recordsIn(name: keyof typeof SERVICES): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${SERVICES[name]}/metrics`)).text();
  let sum = 0;
  for (const m of text.matchAll(/^hark_stage_records_in_total\{[^}]*\} ([\d.e+]+)$/gm))
    sum += Number(m[1]);
  if (name === 'collector')
    for (const m of text.matchAll(/^hark_collector_accepted_total\{[^}]*\} ([\d.e+]+)$/gm))
      sum += Number(m[1]);
  return sum;
}

async function stageCounters(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of Object.keys(SERVICES) as (keyof typeof SERVICES)[])
    out[name] = await recordsIn(name);
  return out;
}

/** CPU seconds used so far by each stack process, PostgreSQL (all its processes) and the machine. */
function cpuSeconds(): Record<string, number> {
  const hz = 100; // USER_HZ: clock ticks per second on Linux
  const out: Record<string, number> = {};
  for (const name of [...Object.keys(SERVICES), 'schema-registry', 'kafka']) {
    try {
      let sum = 0;
      for (const pid of processTree(stackPid(name))) {
        try {
          sum += processCpuSeconds(pid);
        } catch {
          // exited meanwhile
        }
      }
      out[name] = sum;
    } catch {
      // not running from this checkout's stack
    }
  }
  let postgres = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.includes('(postgres)')) {
        const { user, system } = cpuOfStat(stat);
        postgres += user + system;
      }
    } catch {
      // exited meanwhile
    }
  }
  out.postgresql = postgres;
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1).map(Number);
  out.machine = (cpu[0]! + cpu[1]! + cpu[2]! + cpu[5]! + cpu[6]! + cpu[7]!) / hz; // busy, not idle/iowait
  return out;
}

/**
 * PostgreSQL's CPU split by the service each backend serves (its application_name), sampled
 * every 300 ms: backends come and go with the pools, so each one's CPU is read while it lives.
 */
function postgresCpuByService() {
  const seen = new Map<number, { app: string; first: number; last: number }>();
  let running = true;
  const sample = async (initial: boolean) => {
    const { rows } = await db.query<{ pid: number; app: string }>(
      `select pid, coalesce(nullif(application_name, ''), backend_type) as app from pg_stat_activity`,
    );
    for (const r of rows) {
      let cpu: number;
      try {
        cpu = processCpuSeconds(r.pid);
      } catch {
        continue; // gone meanwhile
      }
      const s = seen.get(r.pid);
      if (s) s.last = cpu;
      // A backend first seen after the start did all its work within the run.
      else seen.set(r.pid, { app: r.app, first: initial ? cpu : 0, last: cpu });
    }
  };
  const loop = (async () => {
    await sample(true);
    while (running) {
      await sleep(300);
      await sample(false);
    }
  })();
  return async (): Promise<Record<string, number>> => {
    running = false;
    await loop;
    const out: Record<string, number> = {};
    for (const s of seen.values()) out[s.app] = (out[s.app] ?? 0) + s.last - s.first;
    return out;
  };
}

function peakRssMb(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of [...Object.keys(SERVICES), 'schema-registry', 'kafka']) {
    try {
      // The largest process of the tree: the service, not its supervisor.
      for (const pid of processTree(stackPid(name))) {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const hwm = Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024);
        if (hwm > (out[name] ?? 0)) out[name] = hwm;
      }
    } catch {
      // not running from this checkout's stack
    }
  }
  return out;
}

function peakRate(
  samples: { at: number; counts: Record<string, number> }[],
  key: string,
  windowMs: number,
): number {
  let best = 0;
  for (let i = 0, j = 0; i < samples.length; i++) {
    while (samples[i]!.at - samples[j]!.at > windowMs) j++;
    const ms = samples[i]!.at - samples[j]!.at;
    if (ms >= windowMs / 2)
      best = Math.max(best, ((samples[i]!.counts[key]! - samples[j]!.counts[key]!) * 1000) / ms);
  }
  return best;
}

async function throughputRun() {
  const runId = `bench${Date.now().toString(36)}`;
  const posts = traffic(config.mentions, runId);
  const run = runOf(runId, posts);
  // Serialised before the clock starts: the load generator shares the machine it measures.
  const batches: Buffer[] = [];
  for (let i = 0; i < posts.length; i += 200)
    batches.push(Buffer.from(JSON.stringify(posts.slice(i, i + 200))));
  log(`▸ throughput: ${posts.length.toLocaleString()} mentions, batches of 200, 8 in flight`);
  const before = await stageCounters();
  const cpuBefore = cpuSeconds();
  const selfBefore = process.cpuUsage();
  const postgresByService = postgresCpuByService();
  const t0 = Date.now();
  // Counters every second, so each stage's sustained rate is its best 5-second stretch
  // rather than its share of the whole run (which includes time waiting on upstream).
  const samples: { at: number; counts: Record<string, number> }[] = [{ at: t0, counts: before }];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      await sleep(1000);
      samples.push({ at: Date.now(), counts: await stageCounters() });
    }
  })();
  let accepted = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < batches.length) {
        // Not `accepted += await post(…)`: that reads `accepted` before the await, so the
        // eight workers would overwrite each other's sums.
        const n = await post(batches[next++]!);
        accepted += n;
      }
    }),
  );
  const tAccepted = Date.now();
  // metrics-rollup's consumed counter first (one scrape), the table count only once it has
  // read them all: counting the mentions table every 250 ms cost PostgreSQL ~12 µs per mention.
  const rollupTarget = before['metrics-rollup']! + accepted;
  // Only metrics-rollup's /metrics: rendering all five services' metrics ten times a second
  // is CPU the measurement would add to the services it measures.
  while ((await recordsIn('metrics-rollup')) < rollupTarget) {
    if (Date.now() - tAccepted > 120_000) break; // the count below decides and reports
    await sleep(100);
  }
  let seen = 0;
  while ((seen = await visible(run)) < accepted) {
    if (Date.now() - tAccepted > 600_000)
      throw new Error(`only ${seen} of ${accepted} visible after 10 minutes`);
    await sleep(250);
  }
  const tVisible = Date.now();
  sampling = false;
  await sampler;
  const cpuAfter = cpuSeconds();
  const self = process.cpuUsage(selfBefore);
  cpuBefore['load generator'] = 0;
  cpuAfter['load generator'] = (self.user + self.system) / 1e6;
  const pgSeconds = await postgresByService();
  // CPU microseconds each process spent per mention: the budget that decides the ceiling.
  const cpuMicrosPerMention = Object.fromEntries(
    Object.keys(cpuAfter).map((k) => [
      k,
      Math.round((((cpuAfter[k] ?? 0) - (cpuBefore[k] ?? 0)) * 1e6) / Math.max(1, accepted)),
    ]),
  );
  const postgresMicrosPerMentionByService = Object.fromEntries(
    Object.entries(pgSeconds)
      .map(([app, sec]) => [app, Math.round((sec * 1e6) / Math.max(1, accepted))] as const)
      .filter(([, us]) => us > 0)
      .sort((x, y) => y[1] - x[1]),
  );
  const seconds = (tVisible - t0) / 1000;
  const perStage = Object.fromEntries(
    Object.keys(before).map((k) => [k, Math.round(peakRate(samples, k, 5_000))]),
  );
  return {
    mentions: accepted,
    ingestPerSec: Math.round(accepted / ((tAccepted - t0) / 1000)),
    endToEndPerSec: Math.round(accepted / seconds),
    drainSeconds: (tVisible - tAccepted) / 1000,
    perStagePerSec: perStage,
    cpuMicrosPerMention,
    postgresMicrosPerMentionByService,
  };
}

async function latencyRun(rate: number) {
  const runId = `lat${Date.now().toString(36)}`;
  const total = rate * config.latencySeconds;
  const posts = traffic(total, runId);
  const run = runOf(runId, posts);
  log(`▸ latency: ${rate.toLocaleString()} mentions/s for ${config.latencySeconds} s`);
  const perTick = Math.max(1, Math.round(rate / 10));
  const bodies: Buffer[] = [];
  for (let i = 0; i < posts.length; i += perTick)
    bodies.push(Buffer.from(JSON.stringify(posts.slice(i, i + perTick))));
  const t0 = Date.now();
  const inflight: Promise<number>[] = [];
  for (let tick = 0; tick < bodies.length; tick++) {
    const wait = t0 + tick * 100 - Date.now();
    if (wait > 0) await sleep(wait);
    inflight.push(post(bodies[tick]!));
  }
  const accepted = (await Promise.all(inflight)).reduce((a, b) => a + b, 0);
  while ((await visible(run)) < accepted) await sleep(250);
  const { where, params } = runRows(run);
  const { rows } = await db.query(
    `select percentile_cont(array[0.5, 0.95, 0.99]) within group (order by extract(epoch from ingested_at - collected_at)) as p,
            max(extract(epoch from ingested_at - collected_at)) as max
       from mentions where ${where}`,
    params,
  );
  const [p50, p95, p99] = (rows[0].p as number[]).map((s) => Math.round(s * 1000));
  return {
    ratePerSec: rate,
    mentions: accepted,
    p50Ms: p50,
    p95Ms: p95,
    p99Ms: p99,
    maxMs: Math.round(Number(rows[0].max) * 1000),
  };
}

const os = await import('node:os');
const loadBefore = os.loadavg()[0]!;
const kafka = kafkaCeiling();
const floor = await stageLoopFloor();
const throughput = await throughputRun();
const latency = await latencyRun(Math.max(100, Math.round(throughput.endToEndPerSec / 2)));
const result = {
  at: new Date().toISOString(),
  machine: {
    cores: os.cpus().length,
    // 1-minute load average before and after: anything above ~1 means the figures share the CPUs.
    loadAverage: {
      before: Number(loadBefore.toFixed(2)),
      after: Number(os.loadavg()[0]!.toFixed(2)),
    },
    note: 'broker, PostgreSQL, registry, the five services and this load generator on the same machine',
  },
  kafka,
  stageLoopFloor: floor,
  throughput,
  latency,
  pipelineShareOfBrokerProduce: Number(
    (throughput.endToEndPerSec / kafka.produceRecordsPerSec).toFixed(3),
  ),
  peakRssMb: peakRssMb(),
};
mkdirSync(`${ROOT}bench-results`, { recursive: true });
writeFileSync(`${ROOT}bench-results/e2e.json`, JSON.stringify(result, null, 2));
await db.end();
agent.destroy();

const md = [
  '| measure | value |',
  '|---|---|',
  `| Kafka ProducerPerformance (600 B, acks=all) | ${kafka.produceRecordsPerSec.toLocaleString()} records/s |`,
  `| Kafka ConsumerPerformance | ${kafka.consumeRecordsPerSec.toLocaleString()} records/s |`,
  `| stage loop alone: ${floor.hops} pass-through hops fed ${floor.ratePerSec.toLocaleString()} records/s (reached ${floor.achievedPerSec.toLocaleString()}/s) | CPU per record: ${floor.cpuMicrosPerRecordPerHop.join(' / ')} µs per hop, Kafka ${floor.cpuMicrosPerRecordKafka} µs, producer ${floor.cpuMicrosPerRecordProducer} µs |`,
  `| collector ingest (HTTP, batches of 200, 8 in flight) | ${throughput.ingestPerSec.toLocaleString()} mentions/s |`,
  `| end to end, accepted → visible in rollups (${throughput.mentions.toLocaleString()} mentions) | ${throughput.endToEndPerSec.toLocaleString()} mentions/s (${(result.pipelineShareOfBrokerProduce * 100).toFixed(1)} % of the broker's produce rate) |`,
  ...Object.entries(throughput.perStagePerSec).map(
    ([k, v]) => `| ${k}, best 5 s during that run | ${v.toLocaleString()} records/s |`,
  ),
  ...Object.entries(throughput.cpuMicrosPerMention).map(
    ([k, v]) => `| CPU per mention, ${k} | ${v} µs |`,
  ),
  `| PostgreSQL CPU per mention, by the service its backends serve | ${Object.entries(
    throughput.postgresMicrosPerMentionByService,
  )
    .map(([k, v]) => `${k} ${v} µs`)
    .join(', ')} |`,
  `| latency at ${latency.ratePerSec.toLocaleString()} mentions/s: p50 / p95 / p99 / max | ${latency.p50Ms} / ${latency.p95Ms} / ${latency.p99Ms} / ${latency.maxMs} ms |`,
  ...Object.entries(result.peakRssMb).map(([k, v]) => `| peak RSS ${k} | ${v} MB |`),
];
process.stdout.write(`${md.join('\n')}\n\nwritten to bench-results/e2e.json\n`);
