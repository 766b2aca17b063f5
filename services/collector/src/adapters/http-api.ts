import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { Source, SourceKind } from '@hark/events';
import { isHarkError, type ErrorCode } from '@hark/errors';
import {
  capConnections,
  DEFAULT_HTTP_LIMITS,
  httpServerOptions,
  type HttpLimits,
} from '@hark/observability';
import type { Logger } from 'pino';
import { expandCompliance } from '../domain/compliance/expand-compliance.ts';
import { expandPayload, type ExpandedPayload } from '../domain/expand-payload.ts';
import { charsetOf } from '../domain/platforms/feed-text.ts';
import { bodyFormat, parseBody } from '../domain/parse-body.ts';
import { resolveFormat, type FormatName } from '../domain/platforms/index.ts';
import type { WebhookSource } from '../domain/sources-config.ts';
import {
  decideHubVerification,
  handshakeKind,
  isCrcToken,
  looksLikeCrcToken,
} from '../domain/webhook-handshake.ts';
import {
  crcResponseToken,
  secretsEqual,
  verifyHubSignature,
  verifySignature,
} from '../domain/webhook-signature.ts';
import type { CollectorMetrics } from './collector-metrics.ts';
import type { ComplianceOutcome, IngestService, MentionOutcome, SignalOutcome } from './ingest.ts';
import { buildOpenApiDocument } from './openapi.ts';

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
  interface FastifyRequest {
    apiKeyName?: string;
  }
}

class ApiProblem extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

const SOURCE_HEADER = /^(http|replay):([\w.@/+-][\w .@/+:-]{0,127})$/;

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
  const webhooks = new Map(deps.webhooks.map((w) => [w.source, w]));
  const openapi = buildOpenApiDocument({ version: deps.version ?? '0.1.0' });

  // A client that sends `Expect: 100-continue` (curl does for bodies over 1 MiB) learns
  // that its body is too large before uploading it. Without this it would send the body
  // into a connection the server closes after its 413, and could read a reset instead.
  app.server.on('checkContinue', (req, res) => {
    const length = Number(req.headers['content-length']);
    if (Number.isFinite(length) && length > deps.bodyLimitBytes) {
      deps.metrics.requestsRejected.inc({
        route: (req.url ?? '').split('?')[0]!,
        reason: 'payload_too_large',
      });
      res.writeHead(413, { 'content-type': 'application/json; charset=utf-8' });
      res.end(
        JSON.stringify({
          code: 'HARK_INGEST_PAYLOAD_TOO_LARGE',
          message: `body is over the ${deps.bodyLimitBytes}-byte limit; split it into smaller batches`,
          statusCode: 413,
        }),
      );
      return;
    }
    res.writeContinue();
    app.server.emit('request', req, res);
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.addHook('onRequest', async (req) => {
    if (!req.routeOptions.config.auth) return;
    const header = req.headers.authorization;
    // Auth schemes are case-insensitive (RFC 9110 §11.1): `bearer` is `Bearer`.
    const m = header === undefined ? null : /^bearer[ \t]+(\S.*)$/i.exec(header);
    const token = m ? m[1]!.trim() : undefined;
    // Compare against every key so the time taken does not tell which one nearly matched.
    let matched: ApiKey | undefined;
    for (const k of deps.apiKeys)
      if (token !== undefined && secretsEqual(token, k.key)) matched = k;
    if (!matched) {
      throw new ApiProblem(
        401,
        'HARK_AUTH_UNAUTHORIZED',
        header ? 'unknown API key' : 'missing Authorization: Bearer <api key>',
        'unauthorized',
      );
    }
    req.apiKeyName = matched.name;
  });

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

  app.setErrorHandler((err, req, reply) => {
    const route = req.routeOptions.url ?? 'unknown';
    if (err instanceof ApiProblem) {
      deps.metrics.requestsRejected.inc({ route, reason: err.reason });
      if (err.statusCode === 401) reply.header('www-authenticate', 'Bearer realm="hark"');
      return reply
        .code(err.statusCode)
        .send({ code: err.code, message: err.message, statusCode: err.statusCode });
    }
    // The keyring (PostgreSQL) down is treated like Kafka down: we never accept what we cannot protect.
    if (
      isHarkError(err) &&
      (err.code === 'HARK_KAFKA_UNAVAILABLE' ||
        (err.code === 'HARK_DB_UNAVAILABLE' && err.retriable))
    ) {
      const retryAfterSeconds = Math.max(
        1,
        Math.ceil(Number(err.context.retryAfterMs ?? 1000) / 1000),
      );
      deps.metrics.requestsRejected.inc({
        route,
        reason: err.code === 'HARK_KAFKA_UNAVAILABLE' ? 'kafka_unavailable' : 'keyring_unavailable',
      });
      return reply
        .code(503)
        .header('retry-after', String(retryAfterSeconds))
        .send({
          code: err.code,
          message: `${err.message}; nothing from this request was acknowledged, retry it`,
          statusCode: 503,
          retryAfterSeconds,
        });
    }
    const fastifyCode = (err as { code?: string }).code;
    if (fastifyCode === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      deps.metrics.requestsRejected.inc({ route, reason: 'payload_too_large' });
      return reply.code(413).send({
        code: 'HARK_INGEST_PAYLOAD_TOO_LARGE',
        message: `body is over the ${deps.bodyLimitBytes}-byte limit; split it into smaller batches`,
        statusCode: 413,
      });
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      deps.metrics.requestsRejected.inc({ route, reason: 'bad_request' });
      return reply.code(status).send({
        code: 'HARK_INGEST_BAD_REQUEST',
        message: (err as Error).message,
        statusCode: status,
      });
    }
    req.log.error({ err }, 'unhandled error');
    return reply
      .code(500)
      .send({ message: 'internal error; the collector logged it', statusCode: 500 });
  });

  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({
      code: 'HARK_INGEST_BAD_REQUEST',
      message: `no route ${req.method} ${req.url.split('?')[0]}`,
      statusCode: 404,
    }),
  );

  app.get('/openapi.json', async () => openapi);

  app.post<{ Querystring: { format?: string; platform?: string } }>(
    '/v1/mentions',
    { config: { auth: true } },
    async (req, reply) => {
      const format = readFormat(req.query.format);
      const source = readSource(req);
      const content = readBody(req, 'mentions');
      const expanded = expandPayload(
        content.format === 'xml' ? content.raw : content.text,
        content.format,
        format,
        {
          platform: req.query.platform,
          maxTextLength: deps.maxTextLength,
          charset: charsetOf(header(req, 'content-type')),
        },
      );
      if (!expanded.ok)
        throw new ApiProblem(400, 'HARK_INGEST_MALFORMED_BODY', expanded.message, 'malformed_body');
      checkCount(expanded.entries.length);
      const outcome = await deps.ingest.mentions(expanded.entries, {
        source,
        deadLetterRejected: false,
      });
      return sendOutcome(reply, outcome, outcome.accepted + outcome.unmatched);
    },
  );

  app.post<{ Querystring: { format?: string } }>(
    '/v1/compliance',
    { config: { auth: true } },
    async (req, reply) => {
      const format = readFormat(req.query.format);
      const source = readSource(req);
      const content = readBody(req, 'compliance events');
      const expanded = expandCompliance(content.text, content.format, format, {
        maxTextLength: deps.maxTextLength,
      });
      if (!expanded.ok)
        throw new ApiProblem(400, 'HARK_INGEST_MALFORMED_BODY', expanded.message, 'malformed_body');
      checkCount(expanded.compliance.length + expanded.posts.length, expanded.ignored);
      // Edited posts first: a consumer that sees post_edited can then find the new revision.
      const mentions =
        expanded.posts.length > 0
          ? await deps.ingest.mentions(expanded.posts, { source, deadLetterRejected: false })
          : undefined;
      const outcome = await deps.ingest.compliance(expanded.compliance, {
        source,
        deadLetterRejected: false,
      });
      const body = { ...outcome, ignored: expanded.ignored, ...(mentions ? { mentions } : {}) };
      const posted = mentions ? mentions.accepted + mentions.unmatched : 0;
      return sendOutcome(reply, body, outcome.accepted + expanded.ignored + posted);
    },
  );

  app.post('/v1/signals', { config: { auth: true } }, async (req, reply) => {
    const content = readBody(req, 'signals');
    if (content.format === 'xml')
      throw new ApiProblem(
        415,
        'HARK_INGEST_UNSUPPORTED_MEDIA_TYPE',
        'signals are JSON or NDJSON',
        'unsupported_media_type',
      );
    const parsed = parseBody(content.text, content.format);
    if (!parsed.ok)
      throw new ApiProblem(400, 'HARK_INGEST_MALFORMED_BODY', parsed.message, 'malformed_body');
    checkCount(parsed.records.length);
    const source = readSource(req);
    const outcome = await deps.ingest.signals(parsed.records, {
      kind: source.kind,
      defaultSource: source.name,
    });
    return sendOutcome(reply, outcome, outcome.accepted);
  });

  app.post<{ Params: { source: string } }>('/v1/webhooks/:source', async (req, reply) => {
    const hook = webhooks.get(req.params.source);
    if (!hook)
      throw new ApiProblem(
        404,
        'HARK_WEBHOOK_UNKNOWN_SOURCE',
        `no webhook source "${req.params.source}"`,
        'unknown_source',
      );
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    // X signs deliveries and answers its CRC check with the same key (the consumer secret),
    // so a body in the CRC token's form could carry a CRC answer as its signature: it is never
    // a delivery, and is refused before its signature is even looked at.
    if (handshakeKind(hook.format) === 'crc' && looksLikeCrcToken(raw)) {
      throw new ApiProblem(
        400,
        'HARK_INGEST_MALFORMED_BODY',
        'body has the form of a CRC token, not of a delivery',
        'malformed_body',
      );
    }
    const hub256 = header(req, 'x-hub-signature-256');
    const hub = header(req, 'x-hub-signature');
    const xSig = header(req, 'x-twitter-webhooks-signature');
    const valid =
      hub256 !== undefined
        ? verifySignature(hook.secret, raw, hub256, 'hex')
        : hub !== undefined
          ? verifyHubSignature(hook.secret, raw, hub)
          : verifySignature(hook.secret, raw, xSig, 'base64');
    if (!valid) {
      throw new ApiProblem(
        401,
        'HARK_WEBHOOK_SIGNATURE_INVALID',
        hub256 === undefined && hub === undefined && xSig === undefined
          ? 'missing X-Hub-Signature-256 header'
          : 'signature does not match the body',
        'bad_signature',
      );
    }
    const source: Source = { kind: 'webhook', name: hook.source };
    const content = readBody(req, 'webhook');
    const adapterOpts = {
      platform: hook.platform,
      maxTextLength: deps.maxTextLength,
      charset: charsetOf(header(req, 'content-type')),
    };
    // x, mastodon and bluesky deliveries may carry deletions and edits beside (or instead of) posts.
    const withCompliance =
      hook.format !== 'generic' && content.format !== 'xml'
        ? expandCompliance(content.text, content.format, hook.format, adapterOpts)
        : undefined;
    const expanded: ExpandedPayload =
      withCompliance === undefined
        ? expandPayload(
            content.format === 'xml' ? content.raw : content.text,
            content.format,
            hook.format,
            adapterOpts,
          )
        : withCompliance.ok
          ? { ok: true, entries: withCompliance.posts }
          : withCompliance;
    if (!expanded.ok) {
      // Signed, so it really came from the platform: keep it for a replay after a fix.
      await deps.ingest.deadLetterPayload(
        raw,
        source,
        'HARK_INGEST_MALFORMED_BODY',
        expanded.message,
      );
      throw new ApiProblem(
        400,
        'HARK_INGEST_MALFORMED_BODY',
        `${expanded.message} (kept on the dead-letter topic)`,
        'malformed_body',
      );
    }
    const complianceEntries = withCompliance?.ok ? withCompliance.compliance : [];
    const ignored = withCompliance?.ok ? withCompliance.ignored : 0;
    checkCount(expanded.entries.length + complianceEntries.length, ignored);
    const outcome = await deps.ingest.mentions(expanded.entries, {
      source,
      brand: hook.brand,
      deadLetterRejected: true,
    });
    if (complianceEntries.length === 0 && ignored === 0) return reply.code(202).send(outcome);
    const compliance: ComplianceOutcome = await deps.ingest.compliance(complianceEntries, {
      source,
      deadLetterRejected: true,
    });
    return reply.code(202).send({ ...outcome, compliance, ignored });
  });

  app.get<{ Params: { source: string }; Querystring: Record<string, string | undefined> }>(
    '/v1/webhooks/:source',
    async (req, reply) => {
      const hook = webhooks.get(req.params.source);
      if (!hook)
        throw new ApiProblem(
          404,
          'HARK_WEBHOOK_UNKNOWN_SOURCE',
          `no webhook source "${req.params.source}"`,
          'unknown_source',
        );
      const q = req.query;
      const kind = handshakeKind(hook.format);
      if (kind === 'crc') {
        const token = q.crc_token;
        if (token === undefined || !isCrcToken(token))
          throw new ApiProblem(
            400,
            'HARK_INGEST_BAD_REQUEST',
            'expected crc_token: 8–128 base64 or base64url characters',
            'bad_request',
          );
        return { response_token: crcResponseToken(hook.secret, token) };
      }
      if (q['hub.mode'] === undefined)
        throw new ApiProblem(
          400,
          'HARK_INGEST_BAD_REQUEST',
          `source "${hook.source}" answers hub.mode/hub.topic/hub.challenge verifications only`,
          'bad_request',
        );
      const answer = decideHubVerification(
        {
          mode: q['hub.mode'],
          topic: q['hub.topic'],
          challenge: q['hub.challenge'],
          leaseSeconds: q['hub.lease_seconds'],
          verifyToken: q['hub.verify_token'],
          reason: q['hub.reason'],
        },
        hook,
        secretsEqual,
      );
      if (!answer.ok)
        throw new ApiProblem(
          answer.status,
          answer.status === 403 ? 'HARK_WEBHOOK_HANDSHAKE_REJECTED' : 'HARK_INGEST_BAD_REQUEST',
          answer.message,
          answer.status === 403 ? 'handshake_rejected' : 'bad_request',
        );
      if (answer.kind === 'denied') {
        log.warn({ source: hook.source, reason: answer.reason }, 'hub denied the subscription');
        return reply.code(200).send();
      }
      log.info(
        { source: hook.source, mode: answer.mode, leaseSeconds: answer.leaseSeconds },
        'webhook subscription verified',
      );
      return reply
        .type('text/plain; charset=utf-8')
        .header('x-content-type-options', 'nosniff')
        .send(answer.challenge);
    },
  );

  function readFormat(raw: string | undefined): FormatName {
    if (raw === undefined || raw === '') return 'generic';
    const f = resolveFormat(raw);
    if (!f)
      throw new ApiProblem(
        400,
        'HARK_INGEST_BAD_REQUEST',
        `unknown format "${raw}"; see GET /openapi.json`,
        'bad_request',
      );
    return f;
  }

  function readSource(req: FastifyRequest): Source {
    const name = req.apiKeyName ?? 'api';
    const raw = header(req, 'x-hark-source');
    if (raw === undefined) return { kind: 'http', name };
    const m = SOURCE_HEADER.exec(raw);
    if (!m)
      throw new ApiProblem(
        400,
        'HARK_INGEST_BAD_REQUEST',
        'X-Hark-Source must be http:<name> or replay:<name>',
        'bad_request',
      );
    return { kind: m[1] as SourceKind, name: m[2]! };
  }

  function readBody(
    req: FastifyRequest,
    what: string,
  ): { text: string; raw: Buffer; format: 'json' | 'ndjson' | 'xml' } {
    const format = bodyFormat(req.headers['content-type']);
    if (!format) {
      throw new ApiProblem(
        415,
        'HARK_INGEST_UNSUPPORTED_MEDIA_TYPE',
        `Content-Type ${req.headers['content-type']} is not supported for ${what}: use application/json or application/x-ndjson`,
        'unsupported_media_type',
      );
    }
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (raw.length === 0)
      throw new ApiProblem(400, 'HARK_INGEST_MALFORMED_BODY', 'body is empty', 'malformed_body');
    return { text: raw.toString('utf8'), raw, format };
  }

  function checkCount(n: number, ignored = 0): void {
    if (n === 0 && ignored === 0)
      throw new ApiProblem(
        400,
        'HARK_INGEST_MALFORMED_BODY',
        'body holds no items',
        'malformed_body',
      );
    if (n > deps.maxItems) {
      throw new ApiProblem(
        413,
        'HARK_INGEST_PAYLOAD_TOO_LARGE',
        `${n} items in one request; the limit is ${deps.maxItems}`,
        'payload_too_large',
      );
    }
  }

  return app;
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** 202 when every item was valid, 207 when some were refused, 400 when none was valid. */
function sendOutcome(
  reply: FastifyReply,
  outcome: MentionOutcome | SignalOutcome | (ComplianceOutcome & { ignored: number }),
  valid: number,
): FastifyReply {
  if (valid === 0) {
    return reply.code(400).send({
      code: 'HARK_INGEST_INVALID',
      message: invalidMessage(outcome),
      statusCode: 400,
      ...outcome,
    });
  }
  return reply.code(outcome.rejected > 0 ? 207 : 202).send(outcome);
}

/**
 * The 400's message names the problems wherever they are: a compliance body's
 * refused posts (an ActivityPub Update's edited note) report under `mentions`.
 */
export function invalidMessage(outcome: {
  errors: readonly { path?: string; message: string }[];
  mentions?: { errors: readonly { path?: string; message: string }[] };
}): string {
  const all = [
    ...outcome.errors.map((e) => ({ e, where: 'errors' })),
    ...(outcome.mentions?.errors ?? []).map((e) => ({ e, where: 'mentions.errors' })),
  ];
  if (all.length === 0) return 'no item was valid: the body held nothing to accept';
  const first = all[0]!;
  const where = [...new Set(all.map((a) => a.where))].join(' and ');
  const path = first.e.path ? `${first.e.path}: ` : '';
  return `no item was valid: ${all.length} problem(s), listed in ${where}; the first: ${path}${first.e.message}`;
}
