import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';

export interface OpenApiOptions {
  title: string;
  version: string;
  description?: string;
  /** Who holds the bearer keys, e.g. "A key from COLLECTOR_API_KEYS." */
  bearerKey?: string;
  /** The API takes HTTP basic auth instead (the schema registry): who holds the passwords. */
  basicAuth?: string;
  /** Where the document is served; `/openapi.json` by default. */
  path?: string;
}

const DOCUMENTED = Symbol.for('hark.http.openapi');

/**
 * Generates the OpenAPI 3.1 document of `app` from its route schemas with
 * @fastify/swagger and serves it. Call it before the API's routes are
 * declared, and declare them in a plugin registered after it (as an
 * encapsulated /v1 scope is): the document collects routes as they are
 * added, so a route declared earlier (the ops server's probes) stays out of
 * it. Calling it twice on one server is harmless: one document describes both.
 */
export function registerOpenApi(app: FastifyInstance, opts: OpenApiOptions): void {
  const flagged = app as FastifyInstance & { [DOCUMENTED]?: true };
  if (flagged[DOCUMENTED]) return;
  flagged[DOCUMENTED] = true;
  void app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: opts.title,
        version: opts.version,
        ...(opts.description ? { description: opts.description } : {}),
      },
      components: {
        securitySchemes:
          opts.basicAuth !== undefined
            ? { basicAuth: { type: 'http', scheme: 'basic', description: opts.basicAuth } }
            : {
                bearerKey: {
                  type: 'http',
                  scheme: 'bearer',
                  ...(opts.bearerKey ? { description: opts.bearerKey } : {}),
                },
              },
      },
    },
  });
  void app.register(async (scope) => {
    scope.get(
      opts.path ?? '/openapi.json',
      { schema: { summary: 'This document', response: { 200: { description: 'OpenAPI 3.1' } } } },
      async () => scope.swagger(),
    );
  });
}

/**
 * Route schemas in `app` document the API without validating requests: for
 * APIs whose hand-written validators answer bad input with more specific
 * codes, dead-letter it, or must see the raw bytes (signed webhooks).
 */
export function documentOnlySchemas(app: FastifyInstance): void {
  app.setValidatorCompiler(() => () => true);
}

/**
 * Answers are written with JSON.stringify whatever the response schema says:
 * a response schema documents the answer and never drops or coerces a field.
 */
export function serializeAsIs(app: FastifyInstance): void {
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
}

/** The `{ code, message, statusCode }` answer of an error, for response schemas. */
export const problemSchema = {
  type: 'object',
  required: ['code', 'message', 'statusCode'],
  properties: {
    code: { type: 'string', description: 'HARK_* code, see libs/errors/ERRORS.md.' },
    message: { type: 'string' },
    statusCode: { type: 'integer' },
  },
  additionalProperties: true,
} as const;

/** A documented error answer of a route. */
export const problem = (description: string) => ({ description, ...problemSchema });

/**
 * Operations of an OpenAPI document that say too little: no summary, or no
 * answer described (@fastify/swagger writes "Default Response" for a route
 * without a response schema). A test asserts this list is empty.
 */
export function undocumentedOperations(doc: {
  paths?: Record<string, Record<string, unknown>>;
}): string[] {
  const out: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(ops)) {
      if (method === 'parameters') continue;
      const o = op as { summary?: string; responses?: Record<string, { description?: string }> };
      const answers = Object.values(o.responses ?? {});
      if (
        !o.summary ||
        answers.length === 0 ||
        answers.some((a) => a.description === 'Default Response')
      )
        out.push(`${method.toUpperCase()} ${path}`);
    }
  }
  return out;
}

/**
 * Routes `app` answers that its OpenAPI document leaves out (`METHOD /path`),
 * but for `except` (the ops server's probes). HEAD and OPTIONS are Fastify's
 * own. `app` must be ready. A test asserts this list is empty.
 */
export function routesMissingFromDocument(
  app: FastifyInstance,
  doc: { paths?: Record<string, Record<string, unknown>> },
  except: readonly string[] = [],
): string[] {
  const missing: string[] = [];
  // printRoutes draws a tree: each line is a path segment, indented four columns per level.
  const prefixes: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│├└─\s]*)(\S.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    const url = (prefixes[depth - 1] ?? '') + m[2]!;
    prefixes[depth] = url;
    if (!m[3] || except.includes(url)) continue;
    const path = url.replace(/:(\w+)/g, '{$1}');
    for (const method of m[3].split(', '))
      if (method !== 'HEAD' && method !== 'OPTIONS' && !doc.paths?.[path]?.[method.toLowerCase()])
        missing.push(`${method} ${url}`);
  }
  return missing;
}
