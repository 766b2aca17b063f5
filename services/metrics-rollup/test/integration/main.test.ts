import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createPool, type Pool } from '@hark/db';
import { loadSchema, valueSubject } from '@hark/events';
import { createAvroSerde, createKafka, createProducer, createRegistryClient } from '@hark/kafka';
import { createLogger } from '@hark/observability';
import { createTestDatabase, createTestTopics, testEnv, uniqueName, waitFor } from '@hark/testing';
import { TEST_MASTER_KEY } from '@hark/privacy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolved } from '../unit/fixtures.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const env = testEnv();
const logger = createLogger({ service: 'metrics-rollup-test', level: 'silent' });
const kafka = createKafka({
  clientId: 'metrics-rollup-main-test',
  brokers: env.kafkaBrokers,
  logger,
});
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
let topics: Awaited<ReturnType<typeof createTestTopics>>;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ url: db.url, logger });
  topics = await createTestTopics(kafka, [
    { prefix: 'resolved', partitions: 2 },
    { prefix: 'signals', partitions: 1 },
    { prefix: 'dlq', partitions: 1 },
    { prefix: 'compliance', partitions: 1 },
  ]);
});

afterAll(async () => {
  await topics?.drop();
  await pool?.end();
  await db?.drop();
});

function run(extraEnv: Record<string, string>): {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
} {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'services/metrics-rollup/src/main.ts'],
    {
      cwd: ROOT,
      env: { ...process.env, HARK_PRIVACY_MASTER_KEY: TEST_MASTER_KEY, ...extraEnv },
    },
  );
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      lines.push(...parts);
    });
  }
  return { child, lines };
}

describe('the metrics-rollup process', () => {
  it('starts, turns ready, counts a mention, serves metrics, and exits 0 on SIGTERM', async () => {
    const [mentionsTopic, signalsTopic, dlqTopic, complianceTopic] = topics.names as [
      string,
      string,
      string,
      string,
    ];
    const { child, lines } = run({
      DATABASE_URL: db.url,
      KAFKA_BROKERS: env.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: env.schemaRegistryUrl,
      MENTIONS_TOPIC: mentionsTopic,
      SIGNALS_TOPIC: signalsTopic,
      DLQ_TOPIC: dlqTopic,
      COMPLIANCE_TOPIC: complianceTopic,
      ROLLUP_API_KEYS: 'ana:main-test-key-0123456789',
      GROUP_ID: uniqueName('metrics-rollup-main'),
      OPS_PORT: '0',
      LOG_LEVEL: 'info',
    });
    try {
      const port = await waitFor(
        () => {
          for (const line of lines) {
            if (line.includes('ops server listening'))
              return (JSON.parse(line) as { port: number }).port;
          }
          return undefined;
        },
        { timeoutMs: 30_000, what: `the ops server to listen; output:\n${lines.join('\n')}` },
      );
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const ready = await waitFor(
        async () => {
          const res = await fetch(`${base}/readyz`);
          return res.status === 200 ? ((await res.json()) as unknown) : undefined;
        },
        { timeoutMs: 60_000, what: 'readiness' },
      );
      expect(ready).toEqual({ status: 'ready', checks: { consumers: true, database: true } });
      // The corrections API is served on the ops port, behind its bearer keys.
      expect((await fetch(`${base}/v1/corrections`)).status).toBe(401);
      const listed = await fetch(`${base}/v1/corrections`, {
        headers: { authorization: 'Bearer main-test-key-0123456789' },
      });
      expect([listed.status, await listed.json()]).toEqual([200, { corrections: [], next: null }]);

      const producer = createProducer(kafka);
      await producer.connect();
      const serde = createAvroSerde({
        registry: createRegistryClient({ url: env.schemaRegistryUrl }),
      });
      const enc = await serde.encoder(valueSubject(mentionsTopic), loadSchema('ResolvedMention'));
      const mention = resolved({ id: 'main-1', at: Date.now() - 1000 });
      await producer.send({
        topic: mentionsTopic,
        acks: -1,
        messages: [{ key: 'x:main-1', value: enc.encode(mention) }],
      });
      await producer.disconnect();
      await waitFor(
        async () =>
          Number(
            (await pool.query('select coalesce(sum(mentions), 0) as n from rollup_day')).rows[0].n,
          ) === 1,
        { timeoutMs: 30_000, what: 'the mention to be counted' },
      );
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(
        /hark_rollup_applied_total\{kind="mention",service="metrics-rollup"\} 1/,
      );
      expect(metrics).toMatch(/hark_stage_records_in_total\{stage="metrics-rollup.mentions"/);
      expect(metrics).toMatch(
        /hark_rollup_visibility_latency_seconds_count\{service="metrics-rollup"\} 1\n/,
      );

      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number];
      expect(code).toBe(0);
      expect(lines.some((l) => l.includes('shutdown complete'))).toBe(true);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('when the config is invalid, it lists every problem and exits 2 before connecting anywhere', async () => {
    const { child, lines } = run({ ROLLUP_LATENESS: '10d', RETENTION: '5d' });
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(2);
    expect(lines.join('\n')).toContain(
      'config error: RETENTION (5d) must be at least ROLLUP_LATENESS (10d) + 1d',
    );
  });
});
