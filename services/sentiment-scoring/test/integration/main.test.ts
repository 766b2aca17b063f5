import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadSchema, valueSubject, type Mention, type ScoredMention } from '@hark/events';
import { createAvroSerde, createKafka, createProducer, createRegistryClient } from '@hark/kafka';
import { createLogger } from '@hark/observability';
import {
  createTestTopics,
  makeMention,
  readMessages,
  testEnv,
  uniqueName,
  waitFor,
} from '@hark/testing';
import { TEST_MASTER_KEY } from '@hark/privacy';
import { afterAll, describe, expect, it } from 'vitest';

const env = testEnv();
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const logger = createLogger({ service: 'sentiment-scoring-main-test', level: 'silent' });
const kafka = createKafka({
  clientId: 'sentiment-scoring-main-test',
  brokers: env.kafkaBrokers,
  logger,
});
const cleanups: (() => Promise<void>)[] = [];
let child: ChildProcess | undefined;

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

describe('the sentiment-scoring process', () => {
  it('starts from its env, turns ready, scores a mention, and on SIGTERM shuts down cleanly with exit code 0', async () => {
    const topics = await createTestTopics(kafka, [
      { prefix: 'main-in' },
      { prefix: 'main-out' },
      { prefix: 'main-dlq' },
    ]);
    cleanups.push(topics.drop);
    const [input, output, dlq] = topics.names as [string, string, string];

    const lines: Record<string, unknown>[] = [];
    child = spawn(process.execPath, ['--import', 'tsx', 'services/sentiment-scoring/src/main.ts'], {
      cwd: root,
      env: {
        ...process.env,
        DOTENV_CONFIG_QUIET: 'true',
        KAFKA_BROKERS: env.kafkaBrokers.join(','),
        SCHEMA_REGISTRY_URL: env.schemaRegistryUrl,
        DATABASE_URL: env.databaseUrl,
        HARK_PRIVACY_MASTER_KEY: TEST_MASTER_KEY,
        INPUT_TOPIC: input,
        OUTPUT_TOPIC: output,
        DLQ_TOPIC: dlq,
        GROUP_ID: uniqueName('sentiment-scoring-main-test'),
        OPS_PORT: '0',
        LOG_LEVEL: 'info',
        SENTIMENT_LANGUAGES: 'en',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      for (const line of parts) {
        try {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // not a log line
        }
      }
    });
    const exited = new Promise<number | null>((resolve) =>
      child!.on('exit', (code) => resolve(code)),
    );

    const port = await waitFor(
      () => lines.find((l) => l.msg === 'ops server listening')?.port as number | undefined,
      {
        timeoutMs: 60_000,
        what: 'the ops server',
      },
    );
    const url = `http://127.0.0.1:${port}`;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    await waitFor(async () => (await fetch(`${url}/readyz`)).status === 200, {
      timeoutMs: 60_000,
      what: 'readiness',
    });
    expect(await (await fetch(`${url}/metrics`)).text()).toContain('hark_scoring_model_info');

    const producer = createProducer(kafka);
    await producer.connect();
    cleanups.push(() => producer.disconnect());
    const serde = createAvroSerde({
      registry: createRegistryClient({ url: env.schemaRegistryUrl }),
    });
    const encoder = await serde.encoder<Mention>(valueSubject(input), loadSchema('Mention'));
    const mention = makeMention({
      text: 'Love the new app, checkout is so smooth now 😍',
      keywords: [],
    });
    await producer.send({
      topic: input,
      acks: -1,
      messages: [{ key: mention.mentionId, value: encoder.encode(mention) }],
    });
    const [msg] = await readMessages(kafka, output, 1, 45_000);
    const scored = await serde
      .decoder<ScoredMention>(loadSchema('ScoredMention'))
      .decode(msg!.value!);
    expect(msg!.key!.toString()).toBe('x:2244994945');
    expect(scored.sentiment.label).toBe('positive');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines.some((l) => l.msg === 'shutdown complete')).toBe(true);
  });
});
