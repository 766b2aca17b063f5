import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import { instrumentHttp } from './http-metrics.ts';
import {
  capConnections,
  DEFAULT_HTTP_LIMITS,
  httpServerOptions,
  type HttpLimits,
} from './http-limits.ts';

/** A named readiness check; it resolves true when its dependency is usable. */
export type ReadinessCheck = () => Promise<boolean> | boolean;

export interface OpsServer {
  app: FastifyInstance;
  /** Adds a readiness check (consumer in group, database answers, …). */
  addReadinessCheck(name: string, check: ReadinessCheck): void;
  /** Turns /readyz to 503 for good: the first step of a graceful shutdown. */
  markShuttingDown(): void;
  start(): Promise<{ port: number }>;
  close(): Promise<void>;
}

const CHECK_TIMEOUT_MS = 2000;

/** The ops server of a service's settings (`OPS_HOST`, `OPS_PORT` and the HTTP limits of `commonSettings`). */
export function createOpsServerFor(
  settings: { opsHost: string; opsPort: number } & HttpLimits,
  deps: { registry: Registry; logger: Logger },
): OpsServer {
  return createOpsServer({
    host: settings.opsHost,
    port: settings.opsPort,
    limits: settings,
    ...deps,
  });
}

/**
 * The Fastify server every service runs: `/healthz` (the process lives),
 * `/readyz` (every readiness check passes), `/metrics` (the injected
 * registry). Services with an HTTP API add their routes to `app` before
 * `start()`.
 */
export function createOpsServer(deps: {
  host: string;
  port: number;
  registry: Registry;
  logger: Logger;
  /** Build `app` with `httpServerOptions(limits)` when passing one; the cap is applied here. */
  app?: FastifyInstance;
  /** Timeouts and connection cap; the defaults of `httpLimitSettings` when omitted. */
  limits?: HttpLimits;
}): OpsServer {
  const limits = deps.limits ?? DEFAULT_HTTP_LIMITS;
  const app: FastifyInstance =
    deps.app ??
    Fastify({
      loggerInstance: deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
      ...httpServerOptions(limits),
    });
  capConnections(app.server, limits);
  // Routes a service adds to this app (its API) get request latency histograms.
  instrumentHttp(app, deps.registry);
  // Probes and scrapes arrive every few seconds; logging each would drown the useful lines.
  const quiet = { logLevel: 'silent' as const };
  const checks = new Map<string, ReadinessCheck>();
  let shuttingDown = false;

  app.get('/healthz', quiet, async () => ({ status: 'ok' }));

  app.get('/readyz', quiet, async (_req, reply) => {
    if (shuttingDown) return reply.code(503).send({ status: 'shutting_down', checks: {} });
    const results: Record<string, boolean> = {};
    await Promise.all(
      [...checks].map(async ([name, check]) => {
        results[name] = await withTimeout(check, CHECK_TIMEOUT_MS);
      }),
    );
    const ready = Object.values(results).every(Boolean);
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not_ready', checks: results });
  });

  app.get('/metrics', quiet, async (_req, reply) => {
    reply.header('content-type', deps.registry.contentType);
    return deps.registry.metrics();
  });

  return {
    app,
    addReadinessCheck: (name, check) => void checks.set(name, check),
    markShuttingDown: () => {
      shuttingDown = true;
    },
    async start() {
      await app.listen({ host: deps.host, port: deps.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : deps.port;
      deps.logger.info({ host: deps.host, port }, 'ops server listening');
      return { port };
    },
    close: () => app.close(),
  };
}

async function withTimeout(check: ReadinessCheck, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(check),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
