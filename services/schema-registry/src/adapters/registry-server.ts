import { pingDatabase, type Pool } from '@hark/db';
import { createOpsServer, type HttpLimits, type Logger } from '@hark/observability';
import type { FastifyInstance } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import type { RegistryUser } from '../domain/basic-auth.ts';
import { registerRegistryApi } from './registry-api.ts';
import { createSchemaStore } from './schema-store.ts';

export interface RegistryServer {
  readonly app: FastifyInstance;
  /** Base URL once started, e.g. http://127.0.0.1:8081. */
  readonly url: string;
  start(): Promise<{ port: number; url: string }>;
  /** Turns /readyz to 503: the first step of a graceful shutdown. */
  markShuttingDown(): void;
  close(): Promise<void>;
}

/**
 * The registry as one Fastify server: the Confluent-compatible API plus
 * /healthz, /readyz (PostgreSQL answers) and /metrics. Port 0 picks a free
 * port, which is how the integration tests run it in-process.
 */
export function createRegistryServer(deps: {
  pool: Pool;
  logger: Logger;
  registry: Registry;
  host: string;
  port: number;
  /** Timeouts and connection cap; the `httpLimitSettings` defaults when omitted. */
  limits?: HttpLimits;
  /** Basic-auth identities (readers and writers); none: the API is open. */
  users?: readonly RegistryUser[];
}): RegistryServer {
  const ops = createOpsServer({
    host: deps.host,
    port: deps.port,
    registry: deps.registry,
    logger: deps.logger,
    limits: deps.limits,
  });
  ops.addReadinessCheck('database', () => pingDatabase(deps.pool));
  const requests = new Counter({
    name: 'hark_registry_requests_total',
    help: 'Schema registry API requests by method, route and HTTP status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [deps.registry],
  });
  registerRegistryApi(ops.app, {
    store: createSchemaStore({ pool: deps.pool, logger: deps.logger }),
    logger: deps.logger,
    requests,
    users: deps.users,
  });
  let url: string | undefined;
  return {
    app: ops.app,
    get url() {
      if (!url) throw new Error('the registry server has not started');
      return url;
    },
    async start() {
      const { port } = await ops.start();
      url = `http://${urlHost(deps.host)}:${port}`;
      return { port, url };
    },
    markShuttingDown: () => ops.markShuttingDown(),
    close: () => ops.close(),
  };
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
