import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const REGISTRY_USERS = fileURLToPath(new URL('../../../.stack/registry-users', import.meta.url));

/**
 * The local stack's registry URL with its writer identity in it (tests register schemas of
 * their own), when `stack.sh up` generated the identities; the plain URL otherwise.
 */
function localRegistryUrl(): string {
  let writer: string | undefined;
  try {
    writer = /^writer=(.+)$/m.exec(readFileSync(REGISTRY_USERS, 'utf8'))?.[1]?.trim();
  } catch {
    writer = undefined;
  }
  return writer ? `http://${writer}@127.0.0.1:8081` : 'http://127.0.0.1:8081';
}

/** Where the local stack runs; tests read the same variables the services do. */
export function testEnv() {
  return {
    kafkaBrokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    schemaRegistryUrl: process.env.SCHEMA_REGISTRY_URL ?? localRegistryUrl(),
    databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/hark',
  };
}

/** A short random suffix for topic, group and database names, so tests never share state. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/**
 * Creates an empty database for one test file; `drop()` removes it.
 * `baseUrl` picks the server (a private one); the stack's by default.
 */
export async function createTestDatabase(opts: { baseUrl?: string } = {}): Promise<{
  url: string;
  name: string;
  drop: () => Promise<void>;
}> {
  const base = new URL(opts.baseUrl ?? testEnv().databaseUrl);
  const name = uniqueName('hark_test').replace(/-/g, '_');
  const admin = new pg.Client({ connectionString: base.toString() });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: base.toString() });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** Polls `fn` until it returns a truthy value or the timeout passes. */
export async function waitFor<T>(
  fn: () => Promise<T> | T,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
  throw new Error(
    `timed out waiting for ${opts.what ?? 'condition'}${last ? `: ${(last as Error).message}` : ''}`,
  );
}
