/**
 * One hop of `make bench`'s stage-loop floor: hark's real stage loop (`createStage`: fetch,
 * one handler call per fetch, produce with acks=all, commit) with a handler that only copies
 * each record to the next topic. What it costs per record is what any stage pays before it
 * does its own work.
 *
 *   node --import tsx deploy/bench/pass-through-stage.ts <from> <to> <groupId>
 */
import { createKafka, createProducer, createStage } from '@hark/kafka';
import { commonSettings, parseConfig } from '@hark/config';
import { createLogger, createMetricsRegistry } from '@hark/observability';

const [from, to, groupId] = process.argv.slice(2);
if (!from || !to || !groupId) {
  process.stderr.write('usage: pass-through-stage.ts <from-topic> <to-topic> <group-id>\n');
  process.exit(2);
}
function optionalInt(raw: string | undefined): number | undefined {
  return raw === undefined || raw === '' ? undefined : Number(raw);
}
const config = parseConfig({ kafkaBrokers: commonSettings.kafkaBrokers });
const logger = createLogger({ service: 'bench-pass-through', level: 'warn' });
const kafka = createKafka({ clientId: `bench-${from}`, brokers: config.kafkaBrokers, logger });
const producer = createProducer(kafka);
await producer.connect();
const stage = createStage<Buffer>({
  stage: 'bench-pass-through',
  kafka,
  producer,
  logger,
  registry: createMetricsRegistry({ service: 'bench-pass-through', defaults: false }),
  groupId,
  topics: [from],
  decoder: { decode: async (bytes: Buffer) => bytes, decodeSync: (bytes: Buffer) => bytes },
  // Nothing fails in a pass-through, so nothing is dead-lettered.
  dlq: { topic: `${from}.dlq`, schemaId: 0, subject: 'unused', encode: () => Buffer.alloc(0) },
  // Experiments: BENCH_FLOOR_MIN_BYTES / BENCH_FLOOR_MAX_WAIT_MS override the fetch settings.
  fetch: {
    minBytes: optionalInt(process.env.BENCH_FLOOR_MIN_BYTES),
    maxWaitTimeInMs: optionalInt(process.env.BENCH_FLOOR_MAX_WAIT_MS),
  },
  handle: async (records) => ({
    outputs: records.map((r) => ({ topic: to, key: r.key, value: r.value })),
  }),
});
// BENCH_FLOOR_TRACE=1: count the requests each client sends, by API, printed on exit.
const requests = new Map<string, number>();
if (process.env.BENCH_FLOOR_TRACE === '1') {
  const count = ({ payload }: { payload: { apiName: string } }) =>
    requests.set(payload.apiName, (requests.get(payload.apiName) ?? 0) + 1);
  stage.consumer.on(stage.consumer.events.REQUEST, count);
  producer.on(producer.events.REQUEST, count);
}
await stage.start();
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void stage
    .close()
    .then(() => producer.disconnect())
    .then(() => {
      if (requests.size > 0)
        process.stderr.write(`requests ${from}: ${JSON.stringify(Object.fromEntries(requests))}\n`);
    })
    .finally(() => process.exit(0));
});
