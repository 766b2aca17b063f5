/**
 * CPU of kafkajs's consume path per record, in process: a Fetch v11 response of 200 records
 * of 1 KB over 6 partitions (the floor's shape) decoded as kafkajs's connection decodes it,
 * then each partition made into the consumer's `Batch` (offset filter, control records).
 * Prints µs per record (median of rounds) and the bytes allocated per record. Records share
 * their timestamp as one producer send stamps them (`BENCH_TIMESTAMP_STEP=1`: 1 ms apart).
 *
 *   npx tsx deploy/bench/fetch-decode.ts                      # the installed (patched) kafkajs
 *   npx tsx deploy/bench/fetch-decode.ts /tmp/kf-base/kafkajs  # another copy, e.g. unpatched
 */
import v8 from 'node:v8';
import { benchFetch, loadKafkajs } from '../../libs/kafka/test/unit/kafkajs-fetch-fixture.ts';

const kafkajsDir = process.argv[2];
const records = Number(process.env.BENCH_RECORDS ?? 200);
const { decode, Batch } = loadKafkajs(kafkajsDir);
const timestampStep = Number(process.env.BENCH_TIMESTAMP_STEP ?? 0);
const response = benchFetch(
  records,
  6,
  Number(process.env.BENCH_VALUE_BYTES ?? 1000),
  timestampStep,
);

async function pass(): Promise<number> {
  const decoded = await decode(response);
  let n = 0;
  for (const { topicName, partitions } of decoded.responses)
    for (const p of partitions) n += new Batch(topicName, '123456', p).messages.length;
  return n;
}

const rounds = 25;
const passes = 400;
for (let i = 0; i < 2000; i++) await pass(); // warm-up: JIT
const profiler = new v8.GCProfiler();
profiler.start();
const heap0 = v8.getHeapStatistics().used_heap_size;
const perRound: number[] = [];
let total = 0;
for (let r = 0; r < rounds; r++) {
  const t0 = process.cpuUsage();
  let n = 0;
  for (let p = 0; p < passes; p++) n += await pass();
  const t = process.cpuUsage(t0);
  perRound.push((t.user + t.system) / n);
  total += n;
}
const heap1 = v8.getHeapStatistics().used_heap_size;
let freed = 0;
for (const s of profiler.stop()?.statistics ?? [])
  freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize;
perRound.sort((a, b) => a - b);
process.stdout.write(
  `kafkajs ${kafkajsDir ?? '(installed)'}: ${perRound[Math.floor(rounds / 2)]!.toFixed(3)} µs CPU per record ` +
    `(median of ${rounds} rounds, range ${perRound[0]!.toFixed(3)}–${perRound[rounds - 1]!.toFixed(3)}), ` +
    `${Math.round((freed + heap1 - heap0) / total)} bytes allocated per record; ` +
    `${records} records of ${response.length} bytes per response, timestamps ${timestampStep} ms apart\n`,
);
