/**
 * The whole pipeline as separate processes for end-to-end and fault tests:
 * the four services started like deploy/local/services.sh does
 * (`node --import tsx services/<x>/src/main.ts`), in a namespace of their
 * own (random topics, consumer groups, ports and a private database), so a
 * test can kill -9 one, restart it, add a second instance, and read the
 * rollups to check that every accepted mention counts exactly once.
 *
 * action-router, the fifth service, is optional: `start('action-router')`
 * runs it on the run's mentions.resolved, actions and alerts topics (webhook
 * off unless `env['action-router'].ACTION_WEBHOOK_URL` is given). `startAll`
 * leaves it out: nothing the rollups hold depends on it, and one more process
 * on a small machine slows every suite that does not look at actions. Its
 * groups count in `lags()`/`waitForQuiet()` only while it has an instance.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadSchema, type DeadLetter } from '@hark/events';
import { createAvroSerde, createRegistryClient } from '@hark/kafka';
import { createTestDatabase, createTestTopics, freePort, testEnv, uniqueName } from '@hark/testing';
import { TEST_MASTER_KEY } from '@hark/privacy';
import { customersToCsv, type DemoCustomer } from '@hark/traffic';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import pg from 'pg';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BRANDS_FILE = join(ROOT, 'deploy/local/brands.yaml');

export const SERVICES = [
  'collector',
  'sentiment-scoring',
  'identity-resolution',
  'metrics-rollup',
  'action-router',
] as const;
export type ServiceName = (typeof SERVICES)[number];
export type ConsumerName = Exclude<ServiceName, 'collector'>;
export const CONSUMERS: readonly ConsumerName[] = [
  'sentiment-scoring',
  'identity-resolution',
  'metrics-rollup',
];

export interface PipelineOptions {
  /** Names the temp directory and the topics, for a reader of leftovers. */
  label: string;
  /** Kafka to run on; the local stack's by default. */
  brokers?: string[];
  /** PostgreSQL server the run's database is created on; the local stack's by default. */
  databaseBaseUrl?: string;
  /** Partitions of mentions.raw/scored/resolved and identity.links (3–6). */
  partitions?: number;
  /** Extra environment per service (tighter timeouts for fault tests). */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  /**
   * Restart a process that exits on its own, after a short back-off, as its
   * supervisor would (Kubernetes restartPolicy, systemd Restart=). A stage
   * that gives up on a retriable failure exits so that it is restarted.
   */
  supervise?: boolean;
}

/** One exit the harness did not ask for: a crash. */
export interface UnexpectedExit {
  instance: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  at: string;
  /** The last error the process logged before it went, for the report. */
  lastError?: string;
}

interface Instance {
  id: string;
  name: ServiceName;
  opsPort: number;
  /** The ingest API's port (collectors only). */
  apiPort?: number;
  env: Record<string, string>;
  logFile: string;
  child?: ChildProcess;
  /** Set while the harness itself stops or kills the process. */
  stopping: boolean;
  starts: number;
  exited?: Promise<void>;
}

export interface SendOptions {
  batchSize?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Pause after each request, so traffic flows for a while instead of in one burst. */
  pauseMs?: number;
  /** How long one batch may keep being retried (503, connection refused) before the run fails. */
  retryForMs?: number;
  /** Content-Type; NDJSON bodies are built when it is application/x-ndjson. */
  contentType?: string;
}

/** What the collector answered, added up over a run of requests. */
export interface SendReport {
  /** Items sent (each counted once, however often its batch was retried). */
  sent: number;
  /** Items in batches that have been answered for good. */
  done: number;
  /** mentionId → brands, for every item answered `accepted` (202/207). */
  accepted: Map<string, string[]>;
  unmatched: Set<string>;
  rejected: number;
  /** HTTP status → responses. */
  statuses: Record<number, number>;
  /** Requests repeated after a 503 or a connection error. */
  retries: number;
  connectionErrors: number;
}

export interface RollupTotals {
  /** brand → Σ mentions. */
  byBrand: Map<string, number>;
  total: number;
}

export interface Pipeline {
  readonly topics: {
    raw: string;
    scored: string;
    resolved: string;
    links: string;
    signals: string;
    dlq: string;
    /** ComplianceEvent: platform deletions and edits, erasures (collector, hark privacy). */
    compliance: string;
    /** action-router's output: Actions (key actionId) and spike Alerts (key brand:platform). */
    actions: string;
    alerts: string;
  };
  readonly groups: Record<ConsumerName, string>;
  readonly databaseUrl: string;
  /** Pool on the run's database, for assertions. */
  readonly db: pg.Pool;
  readonly kafka: Kafka;
  readonly collectorUrl: string;
  readonly apiKey: string;
  readonly workDir: string;
  /**
   * Starts identity-resolution (it owns the customers table), then the other three together;
   * not the optional action-router (start it on its own).
   */
  startAll(): Promise<void>;
  /** Starts the first instance of a service and waits for /readyz. */
  start(name: ServiceName): Promise<void>;
  /** SIGKILL: no shutdown hooks, no final commit, as a crash or an OOM kill. */
  kill9(name: ServiceName): Promise<void>;
  /** SIGTERM (graceful) if running, then start again and wait for /readyz. */
  restart(name: ServiceName): Promise<void>;
  /** A second process of the same service in the same consumer group; returns its instance id. */
  /**
   * Another process of a service: consumers join the same group; a collector gets its own API
   * port. `env` overrides its settings; `waitReady: false` returns as soon as it is spawned.
   */
  startSecondInstance(
    name: ServiceName,
    opts?: { env?: Record<string, string>; waitReady?: boolean },
  ): Promise<string>;
  /** Base URL of a collector instance's ingest API. */
  apiUrlOf(instance: string): string;
  /** SIGTERM one instance and wait for it to exit (a scale-down). */
  stopInstance(instance: string): Promise<void>;
  /** Stops every process (SIGTERM, SIGKILL after 20 s). */
  stopAll(): Promise<void>;
  /** Stops everything and drops topics, database and temp files. */
  dispose(): Promise<void>;
  /** Instance ids: `collector`, `sentiment-scoring`, `sentiment-scoring#2`, … */
  instances(): string[];
  isRunning(instance: string): boolean;
  /** /readyz status of an instance (0 when it does not answer). */
  readyz(instance: string): Promise<number>;
  /** Waits until every running instance answers /readyz 200. */
  waitAllReady(timeoutMs?: number): Promise<void>;
  /** Processes that exited without the harness stopping them. */
  unexpectedExits(): UnexpectedExit[];
  logTail(instance: string, lines?: number): Promise<string>;
  /** Prints the tail of every log (call it when a test failed). */
  printLogTails(lines?: number): Promise<void>;

  /** Runs `bin/hark <args>` against the run's database, topics and master key. */
  hark(
    args: readonly string[],
    timeoutMs?: number,
  ): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Loads customers through `bin/hark crm import` into the run's database. */
  loadCrm(customers: readonly DemoCustomer[]): Promise<string>;
  /** Posts items to POST /v1/mentions in batches, retrying 503s and refused connections. */
  sendMentions(
    items: readonly unknown[],
    opts?: SendOptions,
    report?: SendReport,
  ): Promise<SendReport>;
  /** Raw request to the collector's API (for bad input). */
  request(
    path: string,
    body: string | Buffer,
    opts?: { contentType?: string; auth?: boolean; headers?: Record<string, string> },
  ): Promise<{ status: number; body: Record<string, unknown>; headers: IncomingHttpHeaders }>;

  /** Rows of the `mentions` fact table whose post_id starts with `prefix` (all when empty). */
  factCount(prefix?: string): Promise<number>;
  /** Σ rollup mentions per brand for a grain; optionally only windows in [from, to) or one platform. */
  rollupTotals(
    grain?: 'minute' | 'hour' | 'day',
    filter?: { from?: number; to?: number; platform?: string },
  ): Promise<RollupTotals>;
  /** Waits until `count` facts with the prefix exist and every stage has consumed its input. */
  waitForMentions(prefix: string, count: number, timeoutMs?: number): Promise<void>;
  /** Waits until every consumer group has committed up to the end of its input topics. */
  waitForQuiet(timeoutMs?: number): Promise<void>;
  /** Committed-offset lag per group (sum over partitions). */
  lags(): Promise<Record<string, number>>;
  /** Every dead letter on the run's dlq topic. */
  deadLetters(): Promise<{ key: string | null; value: DeadLetter }[]>;
  /** Produces records as they are (raw bytes, foreign schema ids). */
  produce(
    topic: string,
    messages: { key: string | null; value: Buffer | null; partition?: number }[],
  ): Promise<void>;
}

/** A POST that reads an early answer even while the body is still being written. */
function post(
  url: string,
  body: string | Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const length = Buffer.byteLength(body);
    // Large bodies ask first (as curl does over 1 MiB), so an oversize one is refused before
    // it is sent rather than into a connection the server then closes.
    const askFirst = length > 1024 * 1024;
    const req = httpRequest(url, {
      method: 'POST',
      headers: {
        ...headers,
        'content-length': String(length),
        ...(askFirst ? { expect: '100-continue' } : {}),
      },
    });
    let answered = false;
    req.setTimeout(60_000, () => req.destroy(new Error(`no answer from ${url} within 60 s`)));
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        // Refused before the body was sent: this request is over.
        if (!req.writableEnded) req.destroy();
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    if (askFirst) req.on('continue', () => req.end(body));
    else req.end(body);
  });
}

/** The last error or fatal line of a pino log (read from its end), as `msg: err.message`. */
function lastErrorIn(file: string): string | undefined {
  let text = '';
  try {
    const fd = openSync(file, 'r');
    try {
      const size = fstatSync(fd).size;
      const length = Math.min(size, 1024 * 1024);
      const buf = Buffer.alloc(length);
      readSync(fd, buf, 0, length, size - length);
      text = buf.toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  text = text.slice(text.lastIndexOf('\n===== '));
  // Node's own report of an uncaught exception or unhandled 'error' event ends with its version.
  if (/^Node\.js v\d+/m.test(text)) {
    const what = /^(\w*Error\b.*|error: .*)$/m.exec(text)?.[1] ?? 'uncaught exception';
    const cause = text.includes("Unhandled 'error' event")
      ? "an unhandled 'error' event"
      : 'an uncaught exception';
    return `died of ${cause}: ${what}`;
  }
  for (const line of text.split('\n').reverse()) {
    if (!line.startsWith('{')) continue;
    try {
      const e = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
      if ((e.level ?? 0) >= 50) return [e.msg, e.err?.message].filter(Boolean).join(': ');
    } catch {
      // a line cut by the 1 MiB window
    }
  }
  return undefined;
}

/** A report to accumulate several sends into. */
export function emptyReport(): SendReport {
  return {
    sent: 0,
    done: 0,
    accepted: new Map(),
    unmatched: new Set(),
    rejected: 0,
    statuses: {},
    retries: 0,
    connectionErrors: 0,
  };
}

/** brand → how many accepted mentions name it: what the rollups must hold. */
export function expectedByBrand(accepted: ReadonlyMap<string, readonly string[]>): RollupTotals {
  const byBrand = new Map<string, number>();
  let total = 0;
  for (const brands of accepted.values()) {
    for (const b of new Set(brands)) {
      byBrand.set(b, (byBrand.get(b) ?? 0) + 1);
      total++;
    }
  }
  return { byBrand, total };
}

/** A Map as a sorted plain object, so `toEqual` diffs read well. */
export function sorted(m: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));
}

export async function createPipeline(opts: PipelineOptions): Promise<Pipeline> {
  const env = testEnv();
  const brokers = opts.brokers ?? env.kafkaBrokers;
  const partitions = opts.partitions ?? 4;
  const workDir = await mkdtemp(join(tmpdir(), `hark-e2e-${opts.label}-`));
  const kafka = new Kafka({
    clientId: `e2e-${opts.label}`,
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 3000 },
  });
  const created = await createTestTopics(kafka, [
    { prefix: `${opts.label}.mentions.raw`, partitions },
    { prefix: `${opts.label}.mentions.scored`, partitions },
    { prefix: `${opts.label}.mentions.resolved`, partitions },
    {
      prefix: `${opts.label}.identity.links`,
      partitions,
      config: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '0' },
    },
    { prefix: `${opts.label}.signals.raw`, partitions: 2 },
    { prefix: `${opts.label}.dlq`, partitions: 2 },
    { prefix: `${opts.label}.compliance`, partitions: 2 },
    { prefix: `${opts.label}.actions`, partitions: 2 },
    { prefix: `${opts.label}.alerts`, partitions: 1 },
  ]);
  const [raw, scored, resolved, links, signals, dlq, compliance, actions, alerts] =
    created.names as [string, string, string, string, string, string, string, string, string];
  const topics = { raw, scored, resolved, links, signals, dlq, compliance, actions, alerts };
  const database = await createTestDatabase({ baseUrl: opts.databaseBaseUrl }).catch(
    async (err: unknown) => {
      await created.drop().catch(() => {});
      throw err;
    },
  );
  const db = new pg.Pool({ connectionString: database.url, max: 3 });
  // A restarted private server closes idle connections; the pool replaces them, this keeps it quiet.
  db.on('error', () => {});
  const ns = uniqueName(`e2e-${opts.label}`);
  const groups: Record<ConsumerName, string> = {
    'sentiment-scoring': `${ns}.sentiment`,
    'identity-resolution': `${ns}.identity`,
    'metrics-rollup': `${ns}.rollup`,
    'action-router': `${ns}.router`,
  };
  const apiKey = `e2e-${randomBytes(12).toString('hex')}`;
  const apiPort = await freePort();
  const collectorUrl = `http://127.0.0.1:${apiPort}`;
  const common: Record<string, string> = {
    KAFKA_BROKERS: brokers.join(','),
    SCHEMA_REGISTRY_URL: env.schemaRegistryUrl,
    DATABASE_URL: database.url,
    // Fixed and public: test data only (docs/privacy.md).
    HARK_PRIVACY_MASTER_KEY: TEST_MASTER_KEY,
    LOG_LEVEL: 'info',
    DOTENV_CONFIG_QUIET: 'true',
  };
  const serviceEnv: Record<ServiceName, Record<string, string>> = {
    collector: {
      MENTIONS_TOPIC: raw,
      SIGNALS_TOPIC: signals,
      DLQ_TOPIC: dlq,
      COMPLIANCE_TOPIC: compliance,
      API_PORT: String(apiPort),
      COLLECTOR_API_KEYS: `e2e=${apiKey}`,
      BRANDS_FILE,
      ...opts.env?.collector,
    },
    'sentiment-scoring': {
      INPUT_TOPIC: raw,
      OUTPUT_TOPIC: scored,
      DLQ_TOPIC: dlq,
      GROUP_ID: groups['sentiment-scoring'],
      ...opts.env?.['sentiment-scoring'],
    },
    'identity-resolution': {
      INPUT_TOPIC: scored,
      OUTPUT_TOPIC: resolved,
      LINKS_TOPIC: links,
      DLQ_TOPIC: dlq,
      COMPLIANCE_TOPIC: compliance,
      GROUP_ID: groups['identity-resolution'],
      IDENTITY_API_KEYS: apiKey,
      INDEX_REFRESH_MS: '500',
      ...opts.env?.['identity-resolution'],
    },
    'metrics-rollup': {
      MENTIONS_TOPIC: resolved,
      SIGNALS_TOPIC: signals,
      DLQ_TOPIC: dlq,
      COMPLIANCE_TOPIC: compliance,
      GROUP_ID: groups['metrics-rollup'],
      BRANDS_FILE,
      ...opts.env?.['metrics-rollup'],
    },
    'action-router': {
      INPUT_TOPIC: resolved,
      ACTIONS_TOPIC: actions,
      ALERTS_TOPIC: alerts,
      DLQ_TOPIC: dlq,
      GROUP_ID: groups['action-router'],
      ...opts.env?.['action-router'],
    },
  };
  /** Topics each consumer group reads, for the lag check; the optional action-router's once started. */
  function groupInputs(): [string, string][] {
    const out: [string, string][] = [
      [groups['sentiment-scoring'], raw],
      [groups['identity-resolution'], scored],
      [`${groups['metrics-rollup']}.mentions`, resolved],
      [`${groups['metrics-rollup']}.signals`, signals],
      [`${groups['identity-resolution']}.compliance`, compliance],
      [`${groups['metrics-rollup']}.compliance`, compliance],
    ];
    const router = instances.get('action-router');
    if (router) {
      out.push([groups['action-router'], resolved]);
      // The webhook outbox's group exists only when a webhook is configured.
      if (router.env.ACTION_WEBHOOK_URL) out.push([`${groups['action-router']}.webhook`, actions]);
    }
    return out;
  }

  const instances = new Map<string, Instance>();
  const crashes: UnexpectedExit[] = [];
  let disposed = false;
  let producer: Producer | undefined;

  async function addInstance(
    name: ServiceName,
    id: string,
    extraEnv: Record<string, string> = {},
  ): Promise<Instance> {
    const env = { ...serviceEnv[name], ...extraEnv };
    if (name === 'collector' && id !== 'collector') env.API_PORT = String(await freePort());
    const inst: Instance = {
      id,
      name,
      opsPort: await freePort(),
      apiPort: name === 'collector' ? Number(env.API_PORT) : undefined,
      env,
      logFile: join(workDir, `${id.replace('#', '-')}.log`),
      stopping: false,
      starts: 0,
    };
    instances.set(id, inst);
    return inst;
  }

  function spawnInstance(inst: Instance): void {
    inst.starts++;
    const fd = openSync(inst.logFile, 'a');
    writeSync(
      fd,
      `\n===== ${inst.id} start #${inst.starts} at ${new Date().toISOString()} =====\n`,
    );
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, `services/${inst.name}/src/main.ts`)],
      {
        cwd: ROOT,
        env: { ...process.env, ...common, ...inst.env, OPS_PORT: String(inst.opsPort) },
        stdio: ['ignore', fd, fd],
      },
    );
    closeSync(fd);
    inst.child = child;
    inst.stopping = false;
    inst.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        if (inst.child === child) inst.child = undefined;
        if (!inst.stopping && !disposed) {
          crashes.push({
            instance: inst.id,
            code,
            signal,
            at: new Date().toISOString(),
            lastError: lastErrorIn(inst.logFile),
          });
          if (opts.supervise) {
            // Like a supervisor's back-off: not at once, so a crash loop does not eat the CPU.
            setTimeout(() => {
              if (!disposed && !inst.child && !inst.stopping) spawnInstance(inst);
            }, 1000).unref();
          }
        }
        resolve();
      });
    });
  }

  async function readyzOf(inst: Instance): Promise<number> {
    try {
      const res = await fetch(`http://127.0.0.1:${inst.opsPort}/readyz`, {
        signal: AbortSignal.timeout(3000),
      });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    }
  }

  async function logTail(id: string, lines = 40): Promise<string> {
    const inst = instances.get(id);
    if (!inst) return '';
    const text = await readFile(inst.logFile, 'utf8').catch(() => '');
    return text.split('\n').slice(-lines).join('\n');
  }

  /** The collector's ingest API answers (its /readyz can say 200 before it listens: see the report). */
  async function apiAnswers(inst: Instance): Promise<boolean> {
    if (inst.apiPort === undefined) return true;
    try {
      const res = await fetch(`http://127.0.0.1:${inst.apiPort}/openapi.json`, {
        signal: AbortSignal.timeout(3000),
      });
      await res.arrayBuffer();
      return res.status === 200;
    } catch {
      return false;
    }
  }

  async function waitReady(inst: Instance, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await readyzOf(inst)) === 200 && (await apiAnswers(inst))) return;
      if (!inst.child && !opts.supervise) {
        throw new Error(
          `${inst.id} exited before it was ready; its log ends:\n${await logTail(inst.id, 60)}`,
        );
      }
      if (Date.now() > deadline) {
        throw new Error(
          `${inst.id} was not ready within ${timeoutMs} ms; its log ends:\n${await logTail(inst.id, 60)}`,
        );
      }
      await sleep(250);
    }
  }

  async function terminate(inst: Instance, signal: NodeJS.Signals): Promise<void> {
    const child = inst.child;
    if (!child) return;
    inst.stopping = true;
    const timer =
      signal === 'SIGKILL' ? undefined : setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.kill(signal);
    await inst.exited;
    clearTimeout(timer);
  }

  function instance(id: string): Instance {
    const inst = instances.get(id);
    if (!inst) throw new Error(`no instance ${id}`);
    return inst;
  }

  async function start(name: ServiceName): Promise<void> {
    const inst = instances.get(name) ?? (await addInstance(name, name));
    if (!inst.child) spawnInstance(inst);
    await waitReady(inst);
  }

  async function stopAll(): Promise<void> {
    const running = [...instances.values()].reverse();
    await Promise.all(running.map((i) => terminate(i, 'SIGTERM')));
  }

  // A worker that dies without afterAll must not leave services running.
  const onExit = () => {
    for (const i of instances.values()) i.child?.kill('SIGKILL');
  };
  process.once('exit', onExit);

  async function lags(): Promise<Record<string, number>> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const out: Record<string, number> = {};
      for (const [group, topic] of groupInputs()) {
        const ends = await admin.fetchTopicOffsets(topic);
        const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
        let lag = 0;
        for (const p of ends) {
          const c = committed?.partitions.find((x) => x.partition === p.partition);
          const at = c && Number(c.offset) >= 0 ? Number(c.offset) : Number(p.low);
          lag += Math.max(0, Number(p.high) - at);
        }
        out[group] = lag;
      }
      return out;
    } finally {
      await admin.disconnect();
    }
  }

  async function factCount(prefix = ''): Promise<number> {
    const { rows } = await db.query<{ n: string }>(
      `select count(*) as n from mentions where starts_with(post_id, $1)`,
      [prefix],
    );
    return Number(rows[0]!.n);
  }

  async function waitForQuiet(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: Record<string, number> = {};
    for (;;) {
      try {
        last = await lags();
        if (Object.values(last).every((n) => n === 0)) return;
      } catch {
        // broker busy or restarting: ask again
      }
      if (Date.now() > deadline) {
        throw new Error(`consumer groups still lag after ${timeoutMs} ms: ${JSON.stringify(last)}`);
      }
      await sleep(500);
    }
  }

  const serde = createAvroSerde({ registry: createRegistryClient({ url: env.schemaRegistryUrl }) });
  const deadLetterDecoder = serde.decoder<DeadLetter>(loadSchema('DeadLetter'));

  const pipeline: Pipeline = {
    topics,
    groups,
    databaseUrl: database.url,
    db,
    kafka,
    collectorUrl,
    apiKey,
    workDir,

    async startAll() {
      await start('identity-resolution');
      await Promise.all(
        (['metrics-rollup', 'sentiment-scoring', 'collector'] as const).map((n) => start(n)),
      );
    },
    start,

    async kill9(name) {
      await terminate(instance(name), 'SIGKILL');
    },

    async restart(name) {
      const inst = instance(name);
      await terminate(inst, 'SIGTERM');
      spawnInstance(inst);
      await waitReady(inst);
    },

    async startSecondInstance(name, o = {}) {
      let n = 2;
      while (instances.has(`${name}#${n}`)) n++;
      const inst = await addInstance(name, `${name}#${n}`, o.env);
      spawnInstance(inst);
      if (o.waitReady !== false) await waitReady(inst);
      return inst.id;
    },

    apiUrlOf(id) {
      const port = instance(id).apiPort;
      if (port === undefined) throw new Error(`${id} has no ingest API`);
      return `http://127.0.0.1:${port}`;
    },

    async stopInstance(id) {
      await terminate(instance(id), 'SIGTERM');
    },

    stopAll,

    async dispose() {
      disposed = true;
      await stopAll().catch(() => {});
      process.removeListener('exit', onExit);
      await producer?.disconnect().catch(() => {});
      await db.end().catch(() => {});
      await database.drop().catch(() => {});
      await created.drop().catch(() => {});
      if (!process.env.HARK_E2E_KEEP) await rm(workDir, { recursive: true, force: true });
    },

    instances: () => [...instances.keys()],
    isRunning: (id) => instances.get(id)?.child !== undefined,
    readyz: (id) => readyzOf(instance(id)),

    async waitAllReady(timeoutMs = 120_000) {
      await Promise.all(
        [...instances.values()]
          .filter((i) => i.child || (opts.supervise && !i.stopping))
          .map((i) => waitReady(i, timeoutMs)),
      );
    },

    unexpectedExits: () => [...crashes],
    logTail,

    async printLogTails(lines = 30) {
      for (const id of instances.keys()) {
        console.log(`----- ${id} (${instance(id).logFile}) -----\n${await logTail(id, lines)}`);
      }
    },

    async hark(args, timeoutMs = 120_000) {
      const child = spawn(join(ROOT, 'bin/hark'), [...args], {
        cwd: ROOT,
        env: {
          ...process.env,
          ...common,
          LINKS_TOPIC: links,
          COMPLIANCE_TOPIC: compliance,
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve, reject) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.once('error', reject);
        child.once('exit', (c) => {
          clearTimeout(timer);
          resolve(c);
        });
      });
      return { code, stdout, stderr };
    },

    async loadCrm(customers) {
      const file = join(workDir, `customers-${Date.now()}.csv`);
      await writeFile(file, customersToCsv(customers));
      const child = spawn(join(ROOT, 'bin/hark'), ['crm', 'import', file], {
        cwd: ROOT,
        env: { ...process.env, ...common, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const code = await new Promise<number | null>((resolve, reject) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
        child.once('error', reject);
        child.once('exit', (c) => {
          clearTimeout(timer);
          resolve(c);
        });
      });
      if (code !== 0) throw new Error(`hark crm import exited ${code}:\n${output.slice(-3000)}`);
      return output;
    },

    async sendMentions(items, o = {}, report = emptyReport()) {
      const batchSize = o.batchSize ?? 100;
      const contentType = o.contentType ?? 'application/json';
      const batches: unknown[][] = [];
      for (let i = 0; i < items.length; i += batchSize) batches.push(items.slice(i, i + batchSize));
      report.sent += items.length;
      let next = 0;
      const worker = async () => {
        while (next < batches.length) {
          const batch = batches[next++]!;
          const body =
            contentType === 'application/x-ndjson'
              ? batch.map((b) => JSON.stringify(b)).join('\n')
              : JSON.stringify(batch);
          const giveUpAt = Date.now() + (o.retryForMs ?? 120_000);
          for (;;) {
            let res: Response;
            try {
              res = await fetch(`${collectorUrl}/v1/mentions`, {
                method: 'POST',
                headers: { authorization: `Bearer ${apiKey}`, 'content-type': contentType },
                body,
                signal: AbortSignal.timeout(60_000),
              });
            } catch (err) {
              // Refused or reset: nothing says whether it was written, so send it again (same ids).
              report.connectionErrors++;
              if (Date.now() > giveUpAt) throw err;
              report.retries++;
              await sleep(1000);
              continue;
            }
            report.statuses[res.status] = (report.statuses[res.status] ?? 0) + 1;
            const answer = (await res.json()) as {
              items?: { mentionId: string; status: string; brands?: string[] }[];
              rejected?: number;
              message?: string;
            };
            if (res.status === 503) {
              if (Date.now() > giveUpAt)
                throw new Error(`collector still answers 503: ${answer.message}`);
              report.retries++;
              await sleep(Number(res.headers.get('retry-after') ?? 1) * 1000);
              continue;
            }
            if (res.status !== 202 && res.status !== 207 && res.status !== 400) {
              throw new Error(`collector answered ${res.status}: ${JSON.stringify(answer)}`);
            }
            for (const it of answer.items ?? []) {
              if (it.status === 'accepted') report.accepted.set(it.mentionId, it.brands ?? []);
              else report.unmatched.add(it.mentionId);
            }
            report.rejected += answer.rejected ?? 0;
            report.done += batch.length;
            break;
          }
          if (o.pauseMs) await sleep(o.pauseMs);
        }
      };
      await Promise.all(Array.from({ length: o.concurrency ?? 2 }, worker));
      return report;
    },

    async request(path, body, o = {}) {
      const headers = {
        ...(o.auth === false ? {} : { authorization: `Bearer ${apiKey}` }),
        'content-type': o.contentType ?? 'application/json',
        ...o.headers,
      };
      // A server may answer (413) before it read the whole body and close the socket; a client
      // still writing then sees EPIPE and no answer, so it sends again, as any client would.
      for (let attempt = 1; ; attempt++) {
        try {
          const res = await post(`${collectorUrl}${path}`, body, headers);
          let parsed: Record<string, unknown>;
          try {
            parsed = JSON.parse(res.text) as Record<string, unknown>;
          } catch {
            parsed = { text: res.text };
          }
          return { status: res.status, body: parsed, headers: res.headers };
        } catch (err) {
          const code = (err as { code?: string }).code;
          if (attempt >= 5 || (code !== 'EPIPE' && code !== 'ECONNRESET')) throw err;
        }
      }
    },

    factCount,

    async rollupTotals(grain = 'day', filter = {}) {
      const { rows } = await db.query<{ brand: string; n: string }>(
        `select brand, sum(mentions)::bigint as n from rollup_${grain}
          where ($1::timestamptz is null or window_start >= $1)
            and ($2::timestamptz is null or window_start < $2)
            and ($3::text is null or platform = $3)
          group by brand`,
        [
          filter.from === undefined ? null : new Date(filter.from),
          filter.to === undefined ? null : new Date(filter.to),
          filter.platform ?? null,
        ],
      );
      const byBrand = new Map(rows.map((r) => [r.brand, Number(r.n)]));
      return { byBrand, total: [...byBrand.values()].reduce((a, b) => a + b, 0) };
    },

    async waitForMentions(prefix, count, timeoutMs = 180_000) {
      const deadline = Date.now() + timeoutMs;
      let n = 0;
      for (;;) {
        try {
          n = await factCount(prefix);
          if (n >= count) break;
        } catch {
          // the database may be restarting
        }
        if (Date.now() > deadline) {
          const lag = await lags().catch((err: Error) => err.message);
          throw new Error(
            `only ${n} of ${count} mentions reached the rollups in ${timeoutMs} ms; lags: ${JSON.stringify(lag)}`,
          );
        }
        await sleep(500);
      }
      // Every stage has committed all it read: nothing more is on its way (a late duplicate would be).
      await waitForQuiet(Math.max(30_000, deadline - Date.now()));
    },

    waitForQuiet,
    lags,

    async deadLetters() {
      const admin = kafka.admin();
      await admin.connect();
      const ends = await admin.fetchTopicOffsets(dlq).finally(() => admin.disconnect());
      const want = ends.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
      if (want === 0) return [];
      const consumer = kafka.consumer({
        groupId: uniqueName('e2e-dlq-reader'),
        maxWaitTimeInMs: 100,
      });
      const out: { key: string | null; value: DeadLetter }[] = [];
      await consumer.connect();
      try {
        await consumer.subscribe({ topic: dlq, fromBeginning: true });
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`read ${out.length} of ${want} dead letters`)),
            60_000,
          );
          void consumer.run({
            eachMessage: async ({ message }) => {
              out.push({
                key: message.key?.toString() ?? null,
                value: await deadLetterDecoder.decode(message.value!),
              });
              if (out.length >= want) {
                clearTimeout(timer);
                resolve();
              }
            },
          });
        });
      } finally {
        await consumer.disconnect();
      }
      return out;
    },

    async produce(topic, messages) {
      if (!producer) {
        producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
        await producer.connect();
      }
      await producer.send({ topic, acks: -1, messages });
    },
  };
  return pipeline;
}
