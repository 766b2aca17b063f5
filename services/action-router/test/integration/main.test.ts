import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKafka } from '@hark/kafka';
import { createLogger } from '@hark/observability';
import { TEST_MASTER_KEY } from '@hark/privacy';
import { createTestDatabase, createTestTopics, testEnv, uniqueName, waitFor } from '@hark/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const env = testEnv();
const logger = createLogger({ service: 'action-router-main-test', level: 'silent' });
const kafka = createKafka({
  clientId: 'action-router-main-test',
  brokers: env.kafkaBrokers,
  logger,
});
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let topics: Awaited<ReturnType<typeof createTestTopics>>;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  topics = await createTestTopics(kafka, [
    { prefix: 'resolved', partitions: 1 },
    { prefix: 'actions', partitions: 1 },
    { prefix: 'alerts', partitions: 1 },
    { prefix: 'dlq', partitions: 1 },
  ]);
  dir = await mkdtemp(join(tmpdir(), 'action-router-main-'));
});

afterAll(async () => {
  await topics?.drop();
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function run(extra: Record<string, string>): {
  child: ChildProcessWithoutNullStreams;
  lines: string[];
} {
  const [input, actions, alerts, dlq] = topics.names as [string, string, string, string];
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/action-router/src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      HARK_PRIVACY_MASTER_KEY: TEST_MASTER_KEY,
      DATABASE_URL: db.url,
      KAFKA_BROKERS: env.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: env.schemaRegistryUrl,
      INPUT_TOPIC: input,
      ACTIONS_TOPIC: actions,
      ALERTS_TOPIC: alerts,
      DLQ_TOPIC: dlq,
      GROUP_ID: uniqueName('action-router-main'),
      OPS_PORT: '0',
      LOG_LEVEL: 'info',
      ...extra,
    },
  });
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

describe('the action-router process', () => {
  it('a bad rules file stops it before it consumes anything, naming the file, line and reason', async () => {
    const file = join(dir, 'routing.yaml');
    await writeFile(
      file,
      'version: 1\nrules:\n  - id: a\n    when: { intent: [complaint] }\n    then: { queue: cs, priority: asap }\n',
    );
    const { child, lines } = run({ RULES_FILE: file });
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(1);
    expect(lines).toContain(
      `${file}:5:34: rules[0].then.priority: unknown value "asap"; one of: low, normal, high, urgent`,
    );
    expect(lines.join('\n')).toMatch(/"code":"HARK_RULES_INVALID"/);
  });

  it('starts with the repository rules, turns ready, serves metrics, and exits 0 on SIGTERM', async () => {
    const { child, lines } = run({});
    try {
      const port = await waitFor(
        () => {
          for (const line of lines)
            if (line.includes('ops server listening'))
              return (JSON.parse(line) as { port: number }).port;
          return undefined;
        },
        { timeoutMs: 30_000, what: `the ops server to listen; output:\n${lines.join('\n')}` },
      );
      const base = `http://127.0.0.1:${port}`;
      const ready = await waitFor(
        async () => {
          const res = await fetch(`${base}/readyz`);
          return res.status === 200 ? ((await res.json()) as unknown) : undefined;
        },
        { timeoutMs: 60_000, what: 'readiness' },
      );
      expect(ready).toEqual({ status: 'ready', checks: { consumers: true, database: true } });
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(
        /hark_actions_rules_info\{version="2026-11-24\.\d+\+[0-9a-f]{8}",service="action-router"\} 1/,
      );
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
