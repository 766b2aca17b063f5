import { createPool, migrate, type Pool } from '@hark/db';
import { createLogger, createMetricsRegistry } from '@hark/observability';
import { createTestDatabase } from '@hark/testing';
import type { FastifyInstance } from 'fastify';
import { createRegistryServer } from '../../src/adapters/registry-server.ts';
import { MIGRATIONS_DIR } from '../../src/config.ts';
import type { RegistryUser } from '../../src/domain/basic-auth.ts';

export interface RunningRegistry {
  url: string;
  app: FastifyInstance;
  pool: Pool;
  close(): Promise<void>;
}

/** The real registry on a free port, over a fresh PostgreSQL database of its own. */
export async function startRegistry(
  opts: { users?: RegistryUser[] } = {},
): Promise<RunningRegistry> {
  const db = await createTestDatabase();
  const logger = createLogger({ service: 'schema-registry-test', level: 'silent' });
  const pool = createPool({ url: db.url, logger });
  await migrate({ pool, scope: 'schema-registry', dir: MIGRATIONS_DIR, logger });
  const registry = createMetricsRegistry({ service: 'schema-registry', defaults: false });
  const server = createRegistryServer({
    pool,
    logger,
    registry,
    host: '127.0.0.1',
    port: 0,
    users: opts.users,
  });
  const { url } = await server.start();
  return {
    url,
    app: server.app,
    pool,
    async close() {
      await server.close();
      await pool.end();
      await db.drop();
    },
  };
}

export const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export interface Answer {
  status: number;
  contentType: string | null;
  // The body is whatever JSON the registry answered; tests assert its shape.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
}

/** One raw HTTP call; a non-string body is sent as JSON. */
export async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  contentType = CONTENT_TYPE,
): Promise<Answer> {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, contentType: res.headers.get('content-type'), body: parsed, text };
}

/** An Avro record schema text with the given fields. */
export function recordSchema(fields: unknown[], name = 'Thing'): string {
  return JSON.stringify({ type: 'record', name, namespace: 'hark.test', fields });
}
