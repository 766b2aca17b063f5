import { createHash, timingSafeEqual } from 'node:crypto';
import { isRetriable } from '@hark/errors';
import type { Logger } from '@hark/observability';
import type { FastifyInstance } from 'fastify';
import type { Counter } from 'prom-client';
import { parseCompatibilityRequest } from '../domain/compatibility-level.ts';
import { readSchemaRequest } from '../domain/parse-schema.ts';
import { registryError, schemaNotFound, toConfluentError } from '../domain/registry-errors.ts';
import { parseSchemaId, parseVersionId } from '../domain/version-id.ts';
import { authorize, type RegistryUser } from '../domain/basic-auth.ts';
import { filterSubjects, parseSubjectFilter } from '../domain/list-subjects.ts';
import { referencesOf, type SchemaStore } from './schema-store.ts';

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

type SubjectParams = { Params: { subject: string } };
type VersionParams = { Params: { subject: string; version: string } };
type IdParams = { Params: { id: string } };
type Flags = { Querystring: Record<string, string | undefined> };

/**
 * Adds Confluent Schema Registry's REST API (Avro only) to `app`: routes,
 * body parsers for the content types Confluent accepts, answers in
 * `application/vnd.schemaregistry.v1+json`, errors as `{error_code, message}`,
 * and a request counter by route and status.
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
  const { store, requests } = deps;
  const resolve = (body: unknown) => {
    const { text, references } = readSchemaRequest(body);
    return store.resolveCandidate(text, references);
  };
  const log = deps.logger.child({ component: 'registry-api' });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    if (OPS_ROUTES.has(route)) return;
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
  });

  app.setNotFoundHandler((_request, reply) =>
    reply
      .code(404)
      .type(REGISTRY_CONTENT_TYPE)
      .send({ error_code: 404, message: 'HTTP 404 Not Found' }),
  );

  void app.register(async (api) => {
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

    const users = deps.users ?? [];
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

    api.addHook('onSend', async (_request, reply, payload) => {
      reply.header('content-type', REGISTRY_CONTENT_TYPE);
      return payload;
    });

    api.setErrorHandler((err, request, reply) => {
      const known = toConfluentError(err);
      if (known) return reply.code(known.status).send(known.body);
      const status = (err as { statusCode?: unknown }).statusCode;
      if (status === 415) {
        return reply.code(415).send({
          error_code: 415,
          message: `Unsupported content type ${JSON.stringify(request.headers['content-type'] ?? '')}: send ${ACCEPTED_CONTENT_TYPES.join(', ')}`,
        });
      }
      if (typeof status === 'number' && status >= 400 && status < 500) {
        return reply.code(status).send({ error_code: status, message: (err as Error).message });
      }
      log.error({ err, method: request.method, url: request.url }, 'registry request failed');
      return isRetriable(err)
        ? reply.code(500).send({ error_code: 50001, message: 'Error in the backend data store' })
        : reply.code(500).send({ error_code: 500, message: 'Internal Server Error' });
    });

    api.get('/schemas/types', async () => ['AVRO']);

    api.get<IdParams>('/schemas/ids/:id', async (req) => {
      const schema = await store.getSchema(schemaIdOf(req.params.id));
      return { schema: schema.text, ...referencesOf(schema) };
    });

    // Confluent: the ids of the schemas that reference this subject's version.
    api.get<VersionParams & Flags>(
      '/subjects/:subject/versions/:version/referencedby',
      async (req) => {
        const found = await store.getVersion(
          req.params.subject,
          parseVersionId(req.params.version),
          true,
        );
        return store.referencedBy(req.params.subject, found.version);
      },
    );

    // The raw-schema endpoints answer the schema JSON itself, sent as stored.
    api.get<IdParams>(
      '/schemas/ids/:id/schema',
      async (req) => (await store.getSchema(schemaIdOf(req.params.id))).text,
    );

    api.get<IdParams & Flags>('/schemas/ids/:id/versions', async (req) =>
      store.getSchemaVersions(schemaIdOf(req.params.id), flag(req.query.deleted)),
    );

    api.get<Flags>('/subjects', async (req) =>
      filterSubjects(await store.subjectStates(), parseSubjectFilter(req.query)),
    );

    // Confluent answers {} on its root: clients and load balancers use it as liveness.
    api.get('/', async () => ({}));

    api.get<IdParams & Flags>('/schemas/ids/:id/subjects', async (req) => {
      const versions = await store.getSchemaVersions(
        schemaIdOf(req.params.id),
        flag(req.query.deleted),
      );
      return [...new Set(versions.map((v) => v.subject))];
    });

    api.post<SubjectParams>('/subjects/:subject/versions', async (req) => {
      const candidate = await resolve(req.body);
      const { id } = await store.register(req.params.subject, candidate);
      return { id };
    });

    api.post<SubjectParams & Flags>('/subjects/:subject', async (req) => {
      const candidate = await resolve(req.body);
      return store.lookup(req.params.subject, candidate, flag(req.query.deleted));
    });

    api.delete<SubjectParams & Flags>('/subjects/:subject', async (req) =>
      store.deleteSubject(req.params.subject, flag(req.query.permanent)),
    );

    api.get<SubjectParams & Flags>('/subjects/:subject/versions', async (req) =>
      store.listVersions(req.params.subject, flag(req.query.deleted)),
    );

    api.get<VersionParams & Flags>('/subjects/:subject/versions/:version', async (req) =>
      store.getVersion(
        req.params.subject,
        parseVersionId(req.params.version),
        flag(req.query.deleted),
      ),
    );

    api.get<VersionParams & Flags>('/subjects/:subject/versions/:version/schema', async (req) => {
      const found = await store.getVersion(
        req.params.subject,
        parseVersionId(req.params.version),
        flag(req.query.deleted),
      );
      return found.schema;
    });

    api.delete<VersionParams & Flags>('/subjects/:subject/versions/:version', async (req) =>
      store.deleteVersion(
        req.params.subject,
        parseVersionId(req.params.version),
        flag(req.query.permanent),
      ),
    );

    api.post<VersionParams & Flags>(
      '/compatibility/subjects/:subject/versions/:version',
      async (req) => {
        const target = parseVersionId(req.params.version);
        const candidate = await resolve(req.body);
        const result = await store.checkCompatibility(req.params.subject, candidate, target);
        return compatibilityAnswer(result, flag(req.query.verbose));
      },
    );

    api.post<SubjectParams & Flags>('/compatibility/subjects/:subject/versions', async (req) => {
      const candidate = await resolve(req.body);
      const result = await store.checkCompatibility(req.params.subject, candidate, 'all');
      return compatibilityAnswer(result, flag(req.query.verbose));
    });

    api.get('/config', async () => ({ compatibilityLevel: await store.getGlobalLevel() }));

    api.put('/config', async (req) => {
      const level = parseCompatibilityRequest(req.body);
      await store.setGlobalLevel(level);
      return { compatibility: level };
    });

    api.get<SubjectParams & Flags>('/config/:subject', async (req) => {
      const level = await store.getSubjectLevel(req.params.subject);
      if (level) return { compatibilityLevel: level };
      if (flag(req.query.defaultToGlobal)) {
        return { compatibilityLevel: await store.getGlobalLevel() };
      }
      throw registryError(
        40408,
        `Subject '${req.params.subject}' does not have subject-level compatibility configured`,
        { subject: req.params.subject },
      );
    });

    api.put<SubjectParams>('/config/:subject', async (req) => {
      const level = parseCompatibilityRequest(req.body);
      await store.setSubjectLevel(req.params.subject, level);
      return { compatibility: level };
    });

    api.delete<SubjectParams>('/config/:subject', async (req) => {
      const previous = await store.deleteSubjectLevel(req.params.subject);
      if (!previous) {
        throw registryError(40401, `Subject '${req.params.subject}' not found.`, {
          subject: req.params.subject,
        });
      }
      return { compatibilityLevel: previous };
    });
  });
}

function flag(value: string | undefined): boolean {
  return typeof value === 'string' && value.toLowerCase() === 'true';
}

function schemaIdOf(raw: string): number {
  const id = parseSchemaId(raw);
  if (id === undefined) throw schemaNotFound();
  return id;
}

function compatibilityAnswer(
  result: { compatible: boolean; messages: string[] },
  verbose: boolean,
): { is_compatible: boolean; messages?: string[] } {
  return verbose
    ? { is_compatible: result.compatible, messages: result.messages }
    : { is_compatible: result.compatible };
}

/** Equality of two secrets in time independent of where they differ and of their lengths. */
function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(
    createHash('sha256').update(a).digest(),
    createHash('sha256').update(b).digest(),
  );
}
