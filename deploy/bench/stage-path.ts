/**
 * In-process CPU harness for one stage's per-record path, without Kafka: framed
 * Avro records (encoded with the real schemas, the mention sealed in one envelope as
 * the collector seals it) go through the stage loop's decode and contract check
 * (`decodeChunk`), the runtime's opening of the declared personal fields, the
 * service's handler and the output encoding (appended to the consumed bytes where the
 * output extends its input, or, with `encode: 'full'`, encoded in full as before), in
 * batches as the stage loop hands them.
 * Prints CPU µs per mention by step (median of rounds), and the garbage collector's
 * share: its pause time and the bytes allocated per mention (from V8's GC profiler).
 * Not included: kafkajs fetch and produce, the offset commit, the keyring's cache
 * lookup (a Map stands in for it).
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import type { KafkaMessage } from 'kafkajs';
import { loadBrandsConfig } from '@hark/brands';
import { loadSchema, valueSubject, type EventName, type Mention } from '@hark/events';
import { createAvroSerde, type BatchHandler, type Decoder } from '@hark/kafka';
import { encryptMentionPii, mentionAuthorRef, type DataKey } from '@hark/privacy';
import { bindOutput, type BoundOutput, type ExtensionPath } from '@hark/stage-runtime';
import { memoryRegistry } from '@hark/testing';
import { createRng, generateTraffic, type PostTruth } from '@hark/traffic';
import { decodeChunk } from '../../libs/kafka/src/decode-chunk.ts';
import type { Chunk } from '../../libs/kafka/src/partition-queue.ts';

/** What `runStagePath` needs: the records as the upstream stage writes them, and the stage. */
export interface StagePathBench<T> {
  name: string;
  event: EventName;
  /** The upstream values; their mention is sealed here before encoding. */
  values: readonly T[];
  mentionOf: (value: T) => Mention;
  withMention: (value: T, sealed: Mention) => T;
  check?: (value: T) => readonly string[];
  /** Builds the runtime's batch handler around the bound outputs and the keyring. */
  handler: (deps: {
    outputs: Record<string, BoundOutput>;
    /** The input's decoder, for the runtime's writer-schema check; absent with `encode: 'full'`. */
    decoder: Decoder<unknown> | undefined;
    /** Counts extended outputs by path (pass to `createStageHandler`). */
    onExtended: (output: string, path: ExtensionPath, n: number) => void;
    keyring: { keysForRead: (ids: readonly string[]) => Promise<Map<string, DataKey | null>> };
    /** Wraps the service's own handler so its time is measured apart from open and encode. */
    timed: <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => (...args: A) => Promise<R>;
  }) => BatchHandler<unknown>;
  outputs: Record<string, { event: EventName; topic: string; extends?: EventName }>;
  /** `append` (the runtime's path) or `full`: every extended output encoded in full, as before. */
  encode?: 'append' | 'full';
  batchSize?: number;
  rounds?: number;
  /** Passes over the records per round. */
  passes?: number;
}

type Step = 'decode' | 'open' | 'handler' | 'encode';

/** Runs the bench and prints a markdown table; returns the median µs per mention by step. */
export async function runStagePath<T>(
  b: StagePathBench<T>,
): Promise<Record<Step | 'total', number>> {
  const batchSize = b.batchSize ?? 200;
  const rounds = b.rounds ?? 5;
  const passes = b.passes ?? 5;
  const encodeMode = b.encode ?? 'append';
  const serde = createAvroSerde({ registry: memoryRegistry() });
  const keys = new Map<string, DataKey>();
  const sealed = b.values.map((v) => {
    const m = b.mentionOf(v);
    const ref = mentionAuthorRef(m);
    let key = keys.get(ref);
    if (!key) {
      key = { keyId: randomBytes(16).toString('base64url'), authorRef: ref, key: randomBytes(32) };
      keys.set(ref, key);
    }
    return b.withMention(v, encryptMentionPii(m, key));
  });
  const byId = new Map([...keys.values()].map((k) => [k.keyId, k]));
  const inputEncoder = await serde.encoder<T>(valueSubject('in'), loadSchema(b.event));
  const messages: KafkaMessage[] = sealed.map((v, i) => ({
    key: Buffer.from(String(i)),
    value: inputEncoder.encode(v),
    timestamp: '0',
    attributes: 0,
    offset: String(i),
    headers: {},
  }));
  const outputs: Record<string, BoundOutput> = {};
  for (const [name, o] of Object.entries(b.outputs)) {
    const encoder = await serde.encoder<unknown>(valueSubject(o.topic), loadSchema(o.event));
    outputs[name] = bindOutput({ ...o, encoder });
  }
  const decoder = serde.decoder<T>(loadSchema(b.event));
  await decoder.decode(messages[0]!.value!); // resolves the writer schema, as the first fetch does

  const paths = new Map<ExtensionPath, number>();
  let mark = { entered: 0, left: 0 };
  const cpu = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  const handle = b.handler({
    outputs,
    decoder: encodeMode === 'append' ? (decoder as Decoder<unknown>) : undefined,
    onExtended: (_output, path, n) => paths.set(path, (paths.get(path) ?? 0) + n),
    keyring: {
      keysForRead: async (ids) => new Map(ids.map((id) => [id, byId.get(id) ?? null])),
    },
    timed:
      (fn) =>
      async (...args) => {
        mark.entered = cpu();
        const r = await fn(...args);
        mark.left = cpu();
        return r;
      },
  });
  const chunks: Chunk[] = [];
  for (let i = 0; i < messages.length; i += batchSize)
    chunks.push({
      topic: 'in',
      partition: 0,
      messages: messages.slice(i, i + batchSize),
      heartbeat: async () => {},
    });

  let produced = 0;
  let dead = 0;
  async function pass(acc: Record<Step, number>): Promise<void> {
    for (const chunk of chunks) {
      const t0 = cpu();
      const decoded = await decodeChunk(chunk, { stage: b.name, decoder, check: b.check });
      const t1 = cpu();
      mark = { entered: t1, left: t1 };
      const result = await handle(decoded.records as never);
      const t2 = cpu();
      acc.decode += t1 - t0;
      acc.open += mark.entered - t1;
      acc.handler += mark.left - mark.entered;
      acc.encode += t2 - mark.left;
      produced += result.outputs.length;
      dead += decoded.dead.length + (result.failures?.length ?? 0);
    }
  }

  const zero = (): Record<Step, number> => ({ decode: 0, open: 0, handler: 0, encode: 0 });
  await pass(zero()); // warm-up: JIT, caches
  await pass(zero());
  produced = 0;
  dead = 0;
  paths.clear();
  const profiler = new v8.GCProfiler();
  profiler.start();
  const heap0 = v8.getHeapStatistics().used_heap_size;
  const perRound: Record<Step | 'total', number>[] = [];
  const n = messages.length * passes;
  for (let r = 0; r < rounds; r++) {
    const acc = zero();
    for (let p = 0; p < passes; p++) await pass(acc);
    const row = { ...acc, total: acc.decode + acc.open + acc.handler + acc.encode };
    perRound.push(
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v / n])) as typeof row,
    );
  }
  const heap1 = v8.getHeapStatistics().used_heap_size;
  const gcStats = profiler.stop();
  let freed = 0;
  let gcUs = 0;
  const gcs = gcStats?.statistics.length ?? 0;
  for (const s of gcStats?.statistics ?? []) {
    freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize;
    gcUs += s.cost;
  }
  const mentions = n * rounds;
  const median = (step: Step | 'total') =>
    perRound.map((x) => x[step]).sort((a, c) => a - c)[Math.floor(rounds / 2)]!;
  const steps: (Step | 'total')[] = ['decode', 'open', 'handler', 'encode', 'total'];
  const result = Object.fromEntries(steps.map((s) => [s, median(s)])) as Record<
    Step | 'total',
    number
  >;
  const cpuAll = perRound.reduce((a, x) => a + x.total, 0) * n;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(
    `# ${b.name}: CPU per mention in process (decode → open → handler → encode: ${encodeMode})\n`,
  );
  out(
    `node ${process.version}; ${messages.length} records in batches of ${batchSize}, ` +
      `${passes} passes per round, median of ${rounds} rounds; ` +
      `${Math.round(produced / rounds)} outputs and ${Math.round(dead / rounds)} dead per round` +
      (paths.size > 0
        ? `; extended outputs per round: ${[...paths].map(([p, k]) => `${Math.round(k / rounds)} ${p}`).join(', ')}`
        : '') +
      '\n',
  );
  out('| step | µs per mention |');
  out('|---|---|');
  for (const s of steps) out(`| ${s} | ${result[s].toFixed(2)} |`);
  out('');
  out(
    `GC: ${gcs} collections, ${(gcUs / mentions).toFixed(2)} µs per mention ` +
      `(${((gcUs * 100) / cpuAll).toFixed(0)} % of the CPU above); ` +
      `${Math.round((freed + heap1 - heap0) / mentions).toLocaleString('en-US')} bytes allocated per mention`,
  );
  return result;
}

/** Generated traffic as the collector would publish it (before sealing), with its ground truth. */
export function trafficMentions(count: number): { mention: Mention; truth: PostTruth }[] {
  const brands = loadBrandsConfig(fileURLToPath(new URL('../local/brands.yaml', import.meta.url)));
  const now = Date.now();
  const { posts, truth } = generateTraffic({
    brands,
    customers: [],
    count,
    rng: createRng(count),
    end: now - 60_000,
    days: 1,
    runId: 'cpu',
  });
  return posts.map((p, i) => ({
    mention: {
      mentionId: `${p.platform}:${p.id}`,
      platform: p.platform,
      postId: p.id,
      kind: p.kind,
      url: p.url,
      parentId: null,
      author: { ...p.author, profileUrl: null },
      title: null,
      text: p.text,
      lang: p.lang,
      rating: null,
      createdAt: Date.parse(p.createdAt),
      collectedAt: now,
      engagement: p.engagement,
      brands: [truth[i]!.brand],
      keywords: [truth[i]!.brand],
      source: { kind: 'http', name: 'api' },
      revision: 0,
      sealed: null,
    },
    truth: truth[i]!,
  }));
}
