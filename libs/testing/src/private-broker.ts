import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { waitFor } from './env.ts';
import { freePort } from './ports.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const JARS = join(ROOT, '.stack/kafka-libs/*');
const LOG4J = join(ROOT, 'deploy/local/kafka/log4j.properties');

export interface PrivateBroker {
  brokers: string[];
  /** SIGKILL: the broker vanishes mid-conversation, as a crash or a partition would. */
  kill(): Promise<void>;
  /** SIGTERM: a controlled shutdown (as an operator's restart), SIGKILL if it takes over a minute. */
  stop(): Promise<void>;
  /** Starts it again on the same ports and data (after kill or stop). */
  restart(): Promise<void>;
  /** Where the broker's own logs go. */
  readonly logDir: string;
  /** Kills it and removes its data directory. */
  dispose(): Promise<void>;
}

/**
 * A single-node KRaft broker of our own, from the local stack's jars, on
 * free ports with a temporary data directory, so a test can kill it without
 * touching the broker everyone else uses. Configured like the stack's
 * (deploy/local/kafka/server.properties), with a smaller heap.
 */
export async function startPrivateBroker(): Promise<PrivateBroker> {
  const dir = await mkdtemp(join(tmpdir(), 'hark-private-kafka-'));
  const [port, controllerPort] = [await freePort(), await freePort()];
  const props = join(dir, 'server.properties');
  await writeFile(props, brokerProperties(dir, port, controllerPort));
  try {
    await formatStorage(dir, props);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  const brokers = [`127.0.0.1:${port}`];
  let child: ChildProcess | undefined;
  const probe = new Kafka({
    clientId: 'private-broker-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    retry: { retries: 0 },
  });

  async function start(): Promise<void> {
    child = java(dir, 'kafka.Kafka', [props], BROKER_HEAP);
    await waitForBroker(child, probe, dir);
  }

  async function kill(): Promise<void> {
    const proc = child;
    child = undefined;
    await signalAndWait(proc, 'SIGKILL');
  }

  async function stop(): Promise<void> {
    const proc = child;
    if (!proc || proc.exitCode !== null) return;
    await signalAndWait(proc, 'SIGTERM', 60_000);
    child = undefined;
  }

  try {
    await start();
  } catch (err) {
    await kill();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    brokers,
    kill,
    stop,
    restart: start,
    logDir: join(dir, 'logs'),
    async dispose() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const BROKER_HEAP = ['-Xmx320m', '-Xms128m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];
const TOOL_HEAP = ['-Xmx128m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

/** The stack's broker settings, scaled down to one node and fewer threads. */
function brokerProperties(dir: string, port: number, controllerPort: number): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${join(dir, 'data')}`,
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=3',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=3',
    'min.insync.replicas=1',
    'default.replication.factor=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    'num.network.threads=1',
    'num.io.threads=2',
    'background.threads=2',
    'log.cleaner.threads=1',
    'log.cleaner.dedupe.buffer.size=4194304',
    '',
  ].join('\n');
}

function java(
  dir: string,
  mainClass: string,
  args: string[],
  heap: string[],
  stdio: 'ignore' | 'pipe' = 'ignore',
): ChildProcess {
  return spawn(
    'java',
    [
      ...heap,
      `-Dlog4j.configuration=file:${LOG4J}`,
      `-Dkafka.logs.dir=${join(dir, 'logs')}`,
      '-cp',
      JARS,
      mainClass,
      ...args,
    ],
    { stdio: ['ignore', stdio, stdio] },
  );
}

/** `kafka-storage format` with a fresh cluster id; its output goes into the error when it fails. */
function formatStorage(dir: string, props: string): Promise<void> {
  const clusterId = randomBytes(16).toString('base64url');
  return new Promise<void>((resolve, reject) => {
    // `--cluster-id=`: a base64url id may start with '-', which would read as an option.
    const format = java(
      dir,
      'kafka.tools.StorageTool',
      ['format', `--cluster-id=${clusterId}`, '-c', props],
      TOOL_HEAP,
      'pipe',
    );
    let output = '';
    format.stdout?.on('data', (d) => (output += d));
    format.stderr?.on('data', (d) => (output += d));
    format.on('error', reject);
    format.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`kafka storage format exited ${code}: ${output.trim()}`)),
    );
  });
}

/** Until the broker lists topics; fails at once when its process exits. */
async function waitForBroker(proc: ChildProcess, probe: Kafka, dir: string): Promise<void> {
  await waitFor(
    async () => {
      if (proc.exitCode !== null)
        throw new Error(`private broker exited with ${proc.exitCode} (logs: ${dir}/logs)`);
      const admin = probe.admin();
      try {
        await admin.connect();
        await admin.listTopics();
        return true;
      } catch {
        return false;
      } finally {
        await admin.disconnect().catch(() => {});
      }
    },
    { timeoutMs: 120_000, intervalMs: 500, what: 'the private Kafka broker' },
  );
}

/** Signals a running process and waits for its exit; SIGKILL after `killAfterMs`. */
async function signalAndWait(
  proc: ChildProcess | undefined,
  signal: NodeJS.Signals,
  killAfterMs?: number,
): Promise<void> {
  if (!proc || proc.exitCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill(signal);
  const timer =
    killAfterMs === undefined ? undefined : setTimeout(() => proc.kill('SIGKILL'), killAfterMs);
  await exited;
  clearTimeout(timer);
}
