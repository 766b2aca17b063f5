import { createHash, timingSafeEqual } from 'node:crypto';
import { isHarkError, isRetriable } from '@hark/errors';
import {
  documentOnlySchemas,
  registerOpenApi,
  serializeAsIs,
  setErrorHandler,
  type HttpProblem,
} from '@hark/http';
import type { Logger } from '@hark/observability';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Counter } from 'prom-client';
import { authorize, type RegistryUser } from '../domain/basic-auth.ts';
import { registryError, toConfluentError } from '../domain/registry-errors.ts';
import { registerConfigRoutes } from './config-routes.ts';
import { registerSchemaRoutes } from './schema-routes.ts';
import type { SchemaStore } from './schema-store.ts';
import { registerSubjectRoutes } from './subject-routes.ts';

export const REGISTRY_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** What Confluent's server consumes; octet-stream is what some clients send by default. */
export const ACCEPTED_CONTENT_TYPES = [
  'application/vnd.schemaregistry.v1+json',
  'application/vnd.schemaregistry+json',
  'application/json',
  'application/octet-stream',
];

/** Routes answered by the ops server itself; the request counter leaves them out. */
const OPS_ROUTES = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Adds Confluent Schema Registry's REST API (Avro only) to `app`: routes,
 * body parsers for the content types Confluent accepts, answers in
 * `application/vnd.schemaregistry.v1+json`, errors as `{error_code, message}`,
 * a request counter by route and status, and its OpenAPI document at
 * /openapi.json.
 */
export function registerRegistryApi(
  app: FastifyInstance,
  deps: {
    store: SchemaStore;
    logger: Logger;
    requests: Counter<'method' | 'route' | 'status'>;
    /** Basic-auth identities; none: the API is open. */
    users?: readonly RegistryUser[];
  },
): void {
  const log = deps.logger.child({ component: 'registry-api' });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    if (OPS_ROUTES.has(route)) return;
    deps.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
  });

  app.setNotFoundHandler((_request, reply) =>
    reply
      .code(404)
      .type(REGISTRY_CONTENT_TYPE)
      .send({ error_code: 404, message: 'HTTP 404 Not Found' }),
  );

  registerOpenApi(app, {
    title: 'hark schema registry',
    version: '0.1.0',
    description: "Confluent Schema Registry's REST API (Avro), stored in PostgreSQL.",
    basicAuth: 'REGISTRY_USERS: readers may GET, writers may change; open when none is set.',
  });

  void app.register(async (api) => {
    acceptConfluentBodies(api);
    requireBasicAuth(api, deps.users ?? []);
    api.addHook('onSend', async (_request, reply, payload) => {
      reply.header('content-type', REGISTRY_CONTENT_TYPE);
      return payload;
    });
    setErrorHandler(api, {
      logger: log,
      badRequestCode: 'HARK_REGISTRY_BAD_REQUEST',
      internal: { message: 'Internal Server Error' },
      translate: confluentProblem,
      render: (p) => ({ error_code: p.details?.errorCode ?? p.statusCode, message: p.message }),
    });
    documentOnlySchemas(api);
    serializeAsIs(api);
    const routes = { store: deps.store };
    registerSchemaRoutes(api, routes);
    registerSubjectRoutes(api, routes);
    registerConfigRoutes(api, routes);
  });
}

function acceptConfluentBodies(api: FastifyInstance): void {
  api.removeAllContentTypeParsers();
  api.addContentTypeParser(ACCEPTED_CONTENT_TYPES, { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(registryError(400, `Unrecognized request body: not JSON (${(err as Error).message})`));
    }
  });
}

function requireBasicAuth(api: FastifyInstance, users: readonly RegistryUser[]): void {
  api.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, security: [{ basicAuth: [] }] };
  });
  api.addHook('onRequest', async (request, reply) => {
    const decision = authorize(
      { method: request.method, path: request.url, authorization: request.headers.authorization },
      users,
      secretsEqual,
    );
    if (decision.ok) return;
    if (decision.status === 401)
      reply.header('www-authenticate', 'Basic realm="hark-schema-registry", charset="UTF-8"');
    return reply
      .code(decision.status)
      .type(REGISTRY_CONTENT_TYPE)
      .send({ error_code: decision.errorCode, message: decision.message });
  });
}

/** Every error as Confluent answers it; `details.errorCode` is its `error_code`. */
function confluentProblem(err: unknown, request: FastifyRequest): HttpProblem {
  const known = toConfluentError(err);
  if (known) {
    const { error_code: errorCode, message } = known.body;
    return { statusCode: known.status, message, details: { errorCode } };
  }
  const status = isHarkError(err) ? undefined : (err as { statusCode?: unknown }).statusCode;
  if (status === 415) {
    return {
      statusCode: 415,
      message: `Unsupported content type ${JSON.stringify(request.headers['content-type'] ?? '')}: send ${ACCEPTED_CONTENT_TYPES.join(', ')}`,
    };
  }
  if (typeof status === 'number' && status >= 400 && status < 500)
    return { statusCode: status, message: (err as Error).message };
  return isRetriable(err)
    ? { statusCode: 500, message: 'Error in the backend data store', details: { errorCode: 50001 } }
    : { statusCode: 500, message: 'Internal Server Error' };
}

/** Equality of two secrets in time independent of where they differ and of their lengths. */
function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(
    createHash('sha256').update(a).digest(),
    createHash('sha256').update(b).digest(),
  );
}
