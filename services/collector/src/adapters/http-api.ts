import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { isHarkError, type ErrorCode } from '@hark/errors';
import {
  documentOnlySchemas,
  registerOpenApi,
  requireBearerKey,
  serializeAsIs,
  setErrorHandler,
  type HttpProblem,
} from '@hark/http';
import {
  capConnections,
  DEFAULT_HTTP_LIMITS,
  httpServerOptions,
  type HttpLimits,
} from '@hark/observability';
import type { Logger } from 'pino';
import type { WebhookSource } from '../domain/sources-config.ts';
import type { CollectorMetrics } from './collector-metrics.ts';
import type { IngestService } from './ingest.ts';
import { registerIngestRoutes } from './ingest-routes.ts';
import { registerWebhookRoutes } from './webhook-routes.ts';

export interface ApiKey {
  /** Shown in logs and recorded as the source name; never the key itself. */
  name: string;
  key: string;
}

export interface ApiDeps {
  ingest: IngestService;
  apiKeys: readonly ApiKey[];
  webhooks: readonly WebhookSource[];
  bodyLimitBytes: number;
  maxItems: number;
  /** Feed payloads are cut to this many characters (they carry whole articles). */
  maxTextLength: number;
  /** Header, request, idle and keep-alive timeouts and the connection cap. */
  httpLimits?: HttpLimits;
  logger: Logger;
  metrics: CollectorMetrics;
  version?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: boolean;
  }
}

/** The `reason` label of hark_collector_requests_rejected_total for each refusal. */
const REJECTED_AS: Partial<Record<ErrorCode, string>> = {
  HARK_AUTH_UNAUTHORIZED: 'unauthorized',
  HARK_INGEST_MALFORMED_BODY: 'malformed_body',
  HARK_INGEST_UNSUPPORTED_MEDIA_TYPE: 'unsupported_media_type',
  HARK_INGEST_BAD_REQUEST: 'bad_request',
  HARK_INGEST_PAYLOAD_TOO_LARGE: 'payload_too_large',
  HARK_WEBHOOK_UNKNOWN_SOURCE: 'unknown_source',
  HARK_WEBHOOK_SIGNATURE_INVALID: 'bad_signature',
  HARK_WEBHOOK_HANDSHAKE_REJECTED: 'handshake_rejected',
  HARK_KAFKA_UNAVAILABLE: 'kafka_unavailable',
  HARK_DB_UNAVAILABLE: 'keyring_unavailable',
};

const tooLarge = (limit: number) => ({
  code: 'HARK_INGEST_PAYLOAD_TOO_LARGE' as const,
  message: `body is over the ${limit}-byte limit; split it into smaller batches`,
  statusCode: 413,
});

/**
 * The public ingest API, on its own port: the ops server (/healthz,
 * /readyz, /metrics) stays internal while this one faces clients and
 * platforms, with its own body limit. Bodies are read as raw bytes: webhook
 * signatures are computed over exactly what was sent, and malformed JSON is
 * answered in the collector's error shape rather than Fastify's.
 */
export function createApiServer(deps: ApiDeps): FastifyInstance {
  const log = deps.logger.child({ component: 'api' });
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: deps.bodyLimitBytes,
    // Per-request lines at bulk-ingest rates drown the useful ones; onResponse logs at debug instead.
    logController: new LogController({ disableRequestLogging: true }),
    // Bulk ingest and webhooks answer after a Kafka round trip; sockets stay alive for clients that
    // batch (HTTP_KEEP_ALIVE_TIMEOUT_MS, 65 s), but a slow or idle client is cut off.
    ...httpServerOptions(deps.httpLimits ?? DEFAULT_HTTP_LIMITS),
  });
  capConnections(app.server, deps.httpLimits ?? DEFAULT_HTTP_LIMITS);
  refuseOversizeBeforeUpload(app, deps);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.addHook('onResponse', async (req, reply) => {
    const entry = {
      method: req.method,
      url: req.routeOptions.url ?? req.url,
      statusCode: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    };
    if (reply.statusCode >= 500) log.warn(entry, 'request failed');
    else log.debug(entry, 'request');
  });
  answerErrors(app, deps, log);
  documentOnlySchemas(app);
  serializeAsIs(app);
  requireBearerKey(app, {
    keys: deps.apiKeys.map((k) => ({ principal: k.name, key: k.key })),
    code: 'HARK_AUTH_UNAUTHORIZED',
    message: (given) => (given ? 'unknown API key' : 'missing Authorization: Bearer <api key>'),
    challenge: 'Bearer realm="hark"',
    protects: (route) => route.config?.auth === true,
  });
  registerOpenApi(app, {
    title: 'hark collector',
    version: deps.version ?? '0.1.0',
    description:
      'Front door of hark: posts become Mention events on mentions.raw, brand KPIs become BrandSignal events on signals.raw. A 2xx answer means Kafka acknowledged (acks=all). mentionId is `platform:postId`, so retrying a batch never duplicates a mention downstream.',
    bearerKey: 'A key from COLLECTOR_API_KEYS.',
  });
  // Declared in a plugin so the OpenAPI document, registered above, sees every route.
  void app.register(async (api) => {
    registerIngestRoutes(api, deps);
    registerWebhookRoutes(api, { ...deps, log });
  });
  return app;
}

/**
 * A client that sends `Expect: 100-continue` (curl does for bodies over 1 MiB) learns
 * that its body is too large before uploading it. Without this it would send the body
 * into a connection the server closes after its 413, and could read a reset instead.
 */
function refuseOversizeBeforeUpload(app: FastifyInstance, deps: ApiDeps): void {
  app.server.on('checkContinue', (req, res) => {
    const length = Number(req.headers['content-length']);
    if (Number.isFinite(length) && length > deps.bodyLimitBytes) {
      deps.metrics.requestsRejected.inc({
        route: (req.url ?? '').split('?')[0]!,
        reason: 'payload_too_large',
      });
      res.writeHead(413, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(tooLarge(deps.bodyLimitBytes)));
      return;
    }
    res.writeContinue();
    app.server.emit('request', req, res);
  });
}

/** The kit's error handler with the collector's readings: 503 + Retry-After, 413, a bare 500. */
function answerErrors(app: FastifyInstance, deps: ApiDeps, log: Logger): void {
  setErrorHandler(app, {
    logger: log,
    badRequestCode: 'HARK_INGEST_BAD_REQUEST',
    internal: { message: 'internal error; the collector logged it' },
    translate: (err) => collectorProblem(err, deps.bodyLimitBytes),
    onAnswer: (problem, req, reply) => {
      const reason = problem.code && REJECTED_AS[problem.code];
      if (reason && problem.statusCode !== 500)
        deps.metrics.requestsRejected.inc({ route: req.routeOptions.url ?? 'unknown', reason });
      if (problem.statusCode === 401) reply.header('www-authenticate', 'Bearer realm="hark"');
      const retryAfter = problem.details?.retryAfterSeconds;
      if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
    },
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({
      code: 'HARK_INGEST_BAD_REQUEST',
      message: `no route ${req.method} ${req.url.split('?')[0]}`,
      statusCode: 404,
    }),
  );
}

function collectorProblem(err: unknown, bodyLimitBytes: number): HttpProblem | undefined {
  if (isHarkError(err)) {
    // The keyring (PostgreSQL) down is treated like Kafka down: we never accept what we cannot protect.
    if (
      err.code === 'HARK_KAFKA_UNAVAILABLE' ||
      (err.code === 'HARK_DB_UNAVAILABLE' && err.retriable)
    ) {
      const retryAfterSeconds = Math.max(
        1,
        Math.ceil(Number(err.context.retryAfterMs ?? 1000) / 1000),
      );
      return {
        statusCode: 503,
        code: err.code,
        message: `${err.message}; nothing from this request was acknowledged, retry it`,
        details: { retryAfterSeconds },
      };
    }
    // Anything else a HarkError says above 4xx is a bug or an outage the client cannot act on.
    if (err.statusCode >= 500)
      return { statusCode: 500, message: 'internal error; the collector logged it' };
    return undefined;
  }
  if ((err as { code?: unknown }).code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return tooLarge(bodyLimitBytes);
  return undefined;
}
