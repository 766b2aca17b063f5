import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import v8 from 'node:v8';
import type { StageRecord } from '@hark/kafka';

/** CPU time of this process split by named step, in µs (`process.cpuUsage()`, user + system). */
export interface StepClock<S extends string> {
  /** Starts the next step's interval now (call before the first step of each batch). */
  restart(): void;
  /** Charges the CPU since the last lap (or restart) to `step`. */
  lap(step: S): void;
  readonly totals: Record<S, number>;
  reset(): void;
}

/** A clock over `steps`; each lap is one `process.cpuUsage()` call (~0.2 µs). */
export function createStepClock<S extends string>(steps: readonly S[]): StepClock<S> {
  const totals = Object.fromEntries(steps.map((s) => [s, 0])) as Record<S, number>;
  let last = process.cpuUsage();
  return {
    totals,
    restart() {
      last = process.cpuUsage();
    },
    lap(step) {
      const now = process.cpuUsage();
      totals[step] += now.user - last.user + now.system - last.system;
      last = now;
    },
    reset() {
      for (const s of steps) totals[s] = 0;
    },
  };
}

/** Heap allocated and GC cost over a measured run. */
export interface GcFigures {
  /** Bytes allocated on the JS heap. */
  allocated: number;
  /** Main-thread time in collections, µs. */
  pauseUs: number;
  collections: number;
}

/**
 * Measures allocation and GC while `run` runs: heap growth between
 * collections (used size before each GC minus after the previous one) plus
 * the growth since the last, from `v8.GCProfiler`.
 */
export async function measureGc<T>(run: () => Promise<T>): Promise<{ result: T; gc: GcFigures }> {
  const profiler = new v8.GCProfiler();
  const start = v8.getHeapStatistics().used_heap_size;
  profiler.start();
  const result = await run();
  const end = v8.getHeapStatistics().used_heap_size;
  const stats = profiler.stop()?.statistics ?? [];
  let allocated = 0;
  let after = start;
  let pauseUs = 0;
  for (const g of stats) {
    allocated += Math.max(0, g.beforeGC.heapStatistics.usedHeapSize - after);
    after = g.afterGC.heapStatistics.usedHeapSize;
    pauseUs += g.cost;
  }
  allocated += Math.max(0, end - after);
  return { result, gc: { allocated, pauseUs, collections: stats.length } };
}

/**
 * Runs `run` under the V8 CPU profiler and returns its `.cpuprofile` JSON
 * (setup before it stays out of the profile, unlike `--cpu-prof`).
 */
export async function profileCpu<T>(
  run: () => Promise<T>,
): Promise<{ result: T; profile: unknown }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    const result = await run();
    const { profile } = await session.post('Profiler.stop');
    return { result, profile };
  } finally {
    session.disconnect();
  }
}

/** The report lines of a CPU benchmark: µs per item by step, the total, GC and allocation. */
export function formatCpuReport(opts: {
  items: number;
  steps: Record<string, number>;
  totalUs: number;
  gc: GcFigures;
}): string[] {
  const per = (x: number) => (x / opts.items).toFixed(1).padStart(6);
  return [
    ...Object.entries(opts.steps).map(([s, us]) => `  ${s.padEnd(8)} ${per(us)} µs/mention`),
    `  total    ${per(opts.totalUs)} µs/mention (process CPU)`,
    `  GC       ${per(opts.gc.pauseUs)} µs/mention in ${opts.gc.collections} collections (main-thread pause); heap allocated ${(opts.gc.allocated / opts.items / 1024).toFixed(2)} KiB/mention`,
  ];
}

/** A value in Confluent's wire format (magic byte, 4-byte schema id, Avro body) without a registry. */
export function frameAvro(
  type: { toBuffer(v: unknown): Buffer },
  value: unknown,
  schemaId = 1,
): Buffer {
  const body = type.toBuffer(value);
  const out = Buffer.allocUnsafe(5 + body.length);
  out[0] = 0;
  out.writeInt32BE(schemaId, 1);
  body.copy(out, 5);
  return out;
}

/**
 * Framed values decoded as the stage loop hands them to a handler (one partition, offsets
 * from `base`), each with its consumed bytes in `raw`.
 */
export function decodeFramed<T>(
  topic: string,
  type: { decode(buf: Buffer, pos: number): { value: unknown } },
  frames: readonly Buffer[],
  base: number,
): StageRecord<T>[] {
  return frames.map((b, i) => ({
    topic,
    partition: 0,
    offset: String(base + i),
    key: null,
    value: type.decode(b, 5).value as T,
    headers: {},
    timestamp: '0',
    raw: b,
  }));
}

/**
 * Runs `run` once measured: process CPU, GC and allocation, and a CPU
 * profile written to `profileFile` when given. Returns the report lines.
 */
export async function measureCpu(opts: {
  run: () => Promise<void>;
  items: number;
  steps: Record<string, number>;
  profileFile?: string;
}): Promise<string[]> {
  const total0 = process.cpuUsage();
  const measured = () => measureGc(opts.run);
  const { gc } = opts.profileFile
    ? await profileCpu(measured).then(({ result, profile }) => {
        writeFileSync(opts.profileFile!, JSON.stringify(profile));
        return result;
      })
    : await measured();
  const total = process.cpuUsage(total0);
  return formatCpuReport({
    items: opts.items,
    steps: opts.steps,
    totalUs: total.user + total.system,
    gc,
  });
}
