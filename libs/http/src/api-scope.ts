import type { FastifyInstance } from 'fastify';
import { gateUntilStarted, requireBearerKey, type BearerAuthOptions } from './bearer-keys.ts';
import { setErrorHandler, type ErrorHandlerOptions } from './error-handler.ts';
import { registerOpenApi, serializeAsIs, type OpenApiOptions } from './openapi.ts';

export interface BearerApiOptions {
  /** Where the API's routes live, e.g. `/v1`. */
  prefix: string;
  openapi: OpenApiOptions;
  errors: ErrorHandlerOptions;
  bearer: BearerAuthOptions;
  /** Answers 503 until the service started (migrations ran, clients connected). */
  startup?: { isStarted: () => boolean; message: string };
}

/**
 * An API mounted on a server (usually the ops server) as one encapsulated
 * scope: its OpenAPI document, the kit's error handler, answers written as
 * they are, a bearer key on every route, and the start-up gate; `routes`
 * declares the routes inside it.
 */
export async function registerBearerApi(
  app: FastifyInstance,
  opts: BearerApiOptions,
  routes: (api: FastifyInstance) => void | Promise<void>,
): Promise<void> {
  registerOpenApi(app, opts.openapi);
  await app.register(
    async (api) => {
      setErrorHandler(api, opts.errors);
      serializeAsIs(api);
      requireBearerKey(api, opts.bearer);
      if (opts.startup) gateUntilStarted(api, opts.startup.isStarted, opts.startup.message);
      await routes(api);
    },
    { prefix: opts.prefix },
  );
}
