/**
 * hark dlq list | replay: what the stages dead-lettered, and sending it back once the
 * cause is fixed. Reads the dlq topic without a consumer group (nothing is committed, so it
 * can run any number of times). Exit codes: 0 done, 1 failed, 2 bad usage.
 */
import { parseArgs } from 'node:util';
import { commonSettings, loadConfigOrExit, setting, str } from '@hark/config';
import { TOPICS, loadSchema, type DeadLetter } from '@hark/events';
import { createLogger } from '@hark/observability';
import {
  createReplayer,
  matchesFilter,
  replayDecision,
  scanDeadLetters,
  summarize,
  type DeadLetterFilter,
} from '../dlq-replay.ts';
import { createAvroSerde } from '../avro-serde.ts';
import { createKafka, createProducer } from '../client.ts';
import { createRegistryClient, splitRegistryUrl } from '../registry-client.ts';

const USAGE = `usage: hark dlq list   [filters] [--json]
       hark dlq replay [filters] [--to <topic>] [--dry-run]

Filters (all optional, combined with AND):
  --stage <name>         stage that dead-lettered the record (sentiment-scoring, …)
  --code <HARK_…>        error code (libs/errors/ERRORS.md)
  --source-topic <name>  topic the record was read from
  --since <ISO time>     failed at or after
  --until <ISO time>     failed before

replay sends each matching record's original key, value and headers back to the topic it
came from (or --to), with a ${'`hark-replayed-from`'} header. Every stage is idempotent by key, so
replaying twice is harmless. Records the collector refused at its HTTP API were never on
a topic: fix them at the source and send them again.
Environment: KAFKA_BROKERS, SCHEMA_REGISTRY_URL, DLQ_TOPIC (default ${TOPICS.dlq.name}).`;

function fail(message: string): never {
  console.error(`error: ${message}\n\n${USAGE}`);
  process.exit(2);
}

const [command, ...rest] = process.argv.slice(2);
if (command === '-h' || command === '--help' || command === 'help') {
  console.log(USAGE);
  process.exit(0);
}
if (command !== 'list' && command !== 'replay')
  fail(command ? `unknown command 'hark dlq ${command}'` : 'missing command');

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    args: rest,
    options: {
      stage: { type: 'string' },
      code: { type: 'string' },
      'source-topic': { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      to: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  }).values;
}
try {
  parsed = parse();
} catch (err) {
  fail((err as Error).message);
}
function time(name: 'since' | 'until'): number | undefined {
  const v = parsed[name];
  if (v === undefined) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t))
    fail(`--${name} '${v}' is not a date; use ISO 8601, e.g. 2026-11-24T08:00:00Z`);
  return t;
}
const filter: DeadLetterFilter = {
  stage: parsed.stage,
  errorCode: parsed.code,
  sourceTopic: parsed['source-topic'],
  since: time('since'),
  until: time('until'),
};
if (command === 'list' && (parsed.to || parsed['dry-run']))
  fail('--to and --dry-run belong to replay');

const config = loadConfigOrExit({
  kafkaBrokers: commonSettings.kafkaBrokers,
  schemaRegistryUrl: commonSettings.schemaRegistryUrl,
  dlqTopic: setting({
    env: 'DLQ_TOPIC',
    doc: 'dead-letter topic to read',
    parse: str({ minLength: 1 }),
    default: TOPICS.dlq.name,
  }),
});
const logger = createLogger({ service: 'hark-dlq', level: 'warn', destination: process.stderr });
const kafka = createKafka({ clientId: 'hark-dlq', brokers: config.kafkaBrokers, logger });
const decoder = createAvroSerde({
  registry: createRegistryClient({ url: config.schemaRegistryUrl }),
}).decoder<DeadLetter>(loadSchema('DeadLetter'));

let lastProgress = 0;
const progress = (done: number, total: number) => {
  const now = Date.now();
  if (!process.stderr.isTTY || (now - lastProgress < 200 && done < total)) return;
  lastProgress = now;
  process.stderr.write(`\rread ${done.toLocaleString()} of ${total.toLocaleString()} dead letters`);
  if (done >= total) process.stderr.write('\n');
};
let undecodable = 0;
const onUndecodable = (partition: number, offset: string, err: Error) => {
  undecodable++;
  console.error(`${config.dlqTopic}[${partition}]@${offset} is not a DeadLetter: ${err.message}`);
};

try {
  if (command === 'list') {
    const matching: DeadLetter[] = [];
    const { scanned } = await scanDeadLetters({
      kafka,
      topic: config.dlqTopic,
      decoder,
      onRecord: (r) => {
        if (matchesFilter(r.letter, filter)) matching.push(r.letter);
      },
      onUndecodable,
      onProgress: progress,
    });
    const rows = summarize(matching);
    if (parsed.json) {
      console.log(
        JSON.stringify({ scanned, matching: matching.length, undecodable, rows }, null, 2),
      );
    } else {
      console.log(
        `${matching.length.toLocaleString()} of ${scanned.toLocaleString()} dead letters on ${config.dlqTopic} match`,
      );
      for (const r of rows)
        console.log(
          `${String(r.count).padStart(8)}  ${r.stage}  ${r.errorCode}  from ${r.sourceTopic}  ` +
            `${new Date(r.firstFailedAt).toISOString()} … ${new Date(r.lastFailedAt).toISOString()}\n` +
            `          e.g. ${r.example}`,
        );
    }
  } else {
    const dryRun = parsed['dry-run'];
    const producer = createProducer(kafka);
    if (!dryRun) await producer.connect();
    const replayer = createReplayer(producer);
    const skipped: Record<string, number> = {};
    const wouldSend: Record<string, number> = {};
    try {
      await scanDeadLetters({
        kafka,
        topic: config.dlqTopic,
        decoder,
        onRecord: async (r) => {
          if (!matchesFilter(r.letter, filter)) return;
          const d = replayDecision(r.letter, parsed.to);
          if (!d.replay) {
            skipped[d.reason] = (skipped[d.reason] ?? 0) + 1;
            return;
          }
          wouldSend[d.topic] = (wouldSend[d.topic] ?? 0) + 1;
          if (!dryRun) await replayer.add(r, d.topic, config.dlqTopic);
        },
        onUndecodable,
        onProgress: progress,
      });
      if (!dryRun) await replayer.flush();
    } finally {
      if (!dryRun) await producer.disconnect();
    }
    const verb = dryRun ? 'would replay' : 'replayed';
    const sent = Object.entries(wouldSend);
    console.log(
      sent.length === 0
        ? `nothing to replay`
        : sent.map(([t, n]) => `${verb} ${n.toLocaleString()} to ${t}`).join('\n'),
    );
    for (const [reason, n] of Object.entries(skipped))
      console.log(
        `skipped ${n.toLocaleString()}: ${reason === 'not_from_kafka' ? 'refused at the HTTP API, never on a topic (fix at the source and send again)' : 'no value to replay'}`,
      );
  }
  if (undecodable > 0)
    console.error(`${undecodable} records on ${config.dlqTopic} were not DeadLetters`);
} catch (err) {
  console.error(`error: ${(err as Error).message}`);
  console.error(
    `check that Kafka answers at ${config.kafkaBrokers.join(',')} and the registry at ${splitRegistryUrl(config.schemaRegistryUrl).base} (make stack-status)`,
  );
  process.exit(1);
}
