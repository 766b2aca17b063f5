import { isTransientDbError } from '@hark/db';
import { HarkError, isHarkError } from '@hark/errors';
import type { IdentityLink } from '@hark/events';
import { bareBearerKeys, registerBearerApi, type BearerApiOptions } from '@hark/http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { findNul } from '../domain/find-nul.ts';
import type { CustomerRepository } from './customer-repository.ts';
import { registerCustomerRoutes } from './customer-routes.ts';
import type { IdentityRepository } from './identity-repository.ts';
import { registerReviewRoutes } from './review-routes.ts';

export interface IdentityApiDeps {
  customers: CustomerRepository;
  identities: IdentityRepository;
  apiKeys: readonly string[];
  /** Produces an identity.links record and resolves once Kafka acknowledged it. */
  emitLink: (link: IdentityLink) => Promise<void>;
  /** False until migrations ran and Kafka is connected: the API answers 503 meanwhile. */
  isStarted: () => boolean;
  logger: Logger;
  /** More routes inside the same /v1 scope (auth, errors, start-up gate): the privacy API. */
  extraRoutes?: (api: FastifyInstance) => Promise<void>;
}

/**
 * The CRM and review API under /v1, on the service's ops server: customers
 * in (single and batch upsert), customers out, the review queue and its
 * decisions. Every route needs `Authorization: Bearer <key>`; errors answer
 * `{ code, message, statusCode }`; the OpenAPI document is at /openapi.json.
 */
export async function registerIdentityApi(
  app: FastifyInstance,
  deps: IdentityApiDeps,
): Promise<void> {
  const log = deps.logger.child({ component: 'api' });
  const api: BearerApiOptions = {
    prefix: '/v1',
    openapi: {
      title: 'hark identity-resolution',
      version: '0.1.0',
      description: 'CRM customers in and out, the identity review queue, privacy requests.',
      bearerKey: 'A key from IDENTITY_API_KEYS.',
    },
    errors: {
      logger: log,
      badRequestCode: 'HARK_IDENTITY_API_BAD_REQUEST',
      internal: { code: 'HARK_IDENTITY_API_FAILED', message: 'internal error' },
      // A pg or network error that says retry: a HarkError already carries its own status.
      translate: (err) =>
        !isHarkError(err) && isTransientDbError(err)
          ? {
              statusCode: 503,
              code: 'HARK_DB_UNAVAILABLE',
              message: 'a dependency is unavailable; retry',
            }
          : undefined,
    },
    bearer: {
      keys: bareBearerKeys(deps.apiKeys),
      code: 'HARK_IDENTITY_API_UNAUTHORIZED',
      message: () => 'send Authorization: Bearer <an IDENTITY_API_KEYS key>',
      challenge: 'Bearer',
    },
    startup: {
      isStarted: deps.isStarted,
      message: 'the service is still starting (migrations, customer index); retry',
    },
  };
  await registerBearerApi(app, api, async (scope) => {
    scope.addHook('preValidation', refuseNul);
    registerCustomerRoutes(scope, deps);
    registerReviewRoutes(scope, { ...deps, log });
    if (deps.extraRoutes) await deps.extraRoutes(scope);
  });
}

/**
 * PostgreSQL text cannot hold NUL: refuse it as bad input, naming the field,
 * before any handler sends it to a query (it was a 500).
 */
async function refuseNul(req: FastifyRequest): Promise<void> {
  const field =
    findNul(req.params, 'params') ?? findNul(req.query, 'querystring') ?? findNul(req.body, 'body');
  if (field)
    throw new HarkError(
      'HARK_IDENTITY_API_BAD_REQUEST',
      `${field} must not contain NUL characters`,
      {
        context: { field },
      },
    );
}
