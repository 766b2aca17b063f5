import { createHash, timingSafeEqual } from 'node:crypto';
import { isTransientDbError } from '@hark/db';
import { HarkError, isHarkError, type ErrorCode } from '@hark/errors';
import type { IdentityLink } from '@hark/events';
import { findNul } from '../domain/find-nul.ts';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { validateCustomer, type Customer, type CustomerProblem } from '../domain/customer.ts';
import { identityLinkOf } from '../domain/decide-author.ts';
import type { CustomerRepository, CustomerRow } from './customer-repository.ts';
import type { IdentityRepository } from './identity-repository.ts';

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

const MAX_BATCH = 1000;

const nullableText = { type: ['string', 'null'], maxLength: 256 } as const;
const customerProperties = {
  firstName: nullableText,
  lastName: nullableText,
  fullName: nullableText,
  emails: { type: 'array', maxItems: 20, items: { type: 'string', maxLength: 256 } },
  phones: { type: 'array', maxItems: 20, items: { type: 'string', maxLength: 64 } },
  company: nullableText,
  city: nullableText,
  region: nullableText,
  country: nullableText,
  tier: { type: ['string', 'null'], maxLength: 32 },
  value: { type: ['number', 'null'] },
  attributes: {
    type: 'object',
    maxProperties: 64,
    propertyNames: { pattern: '^[a-z0-9_]{1,64}$' },
    additionalProperties: { type: ['string', 'null'], maxLength: 256 },
  },
  handles: {
    type: 'array',
    maxItems: 50,
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['platform', 'handle'],
      properties: {
        platform: { type: 'string', minLength: 1, maxLength: 32 },
        handle: { type: 'string', minLength: 1, maxLength: 100 },
      },
    },
  },
} as const;

const externalIdSchema = { type: 'string', minLength: 1, maxLength: 128 } as const;
const customerBody = {
  type: 'object',
  additionalProperties: false,
  properties: customerProperties,
} as const;
const batchBody = {
  type: 'object',
  additionalProperties: false,
  required: ['customers'],
  properties: {
    customers: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_BATCH,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['externalId'],
        properties: { externalId: externalIdSchema, ...customerProperties },
      },
    },
  },
} as const;
const identityParams = {
  type: 'object',
  required: ['platform', 'authorId'],
  properties: {
    platform: { type: 'string', minLength: 1, maxLength: 32 },
    authorId: { type: 'string', minLength: 1, maxLength: 256 },
  },
} as const;
// "system" marks automatic decisions; a reviewer must be someone.
const reviewer = {
  type: 'string',
  minLength: 1,
  maxLength: 128,
  not: { const: 'system' },
} as const;

const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  HARK_IDENTITY_API_UNAUTHORIZED: 401,
  HARK_IDENTITY_API_BAD_REQUEST: 400,
  HARK_CRM_INVALID_CUSTOMER: 400,
  HARK_CRM_CUSTOMER_NOT_FOUND: 404,
  HARK_IDENTITY_NOT_FOUND: 404,
  HARK_PRIVACY_BAD_REQUEST: 400,
  HARK_PRIVACY_REQUEST_NOT_FOUND: 404,
  HARK_DB_UNAVAILABLE: 503,
  HARK_KAFKA_UNAVAILABLE: 503,
};

/**
 * The CRM and review API under /v1, on the service's ops server: customers
 * in (single and batch upsert), customers out, the review queue and its
 * decisions. Every route needs `Authorization: Bearer <key>`; errors answer
 * `{ code, message, statusCode }`.
 */
export async function registerIdentityApi(
  app: FastifyInstance,
  deps: IdentityApiDeps,
): Promise<void> {
  const keyDigests = deps.apiKeys.map(digest);
  const log = deps.logger.child({ component: 'api' });

  await app.register(
    async (api) => {
      api.setErrorHandler((err: FastifyError | HarkError, _req, reply) => {
        if (isHarkError(err)) {
          const statusCode = STATUS_OF[err.code] ?? 500;
          if (statusCode >= 500) log.error({ err }, 'request failed');
          return reply
            .code(statusCode)
            .send({ code: err.code, message: err.message, statusCode, ...detailsOf(err) });
        }
        if ((err as FastifyError).validation) {
          return reply
            .code(400)
            .send({ code: 'HARK_IDENTITY_API_BAD_REQUEST', message: err.message, statusCode: 400 });
        }
        const status = (err as FastifyError).statusCode;
        if (status && status >= 400 && status < 500) {
          return reply.code(status).send({
            code: 'HARK_IDENTITY_API_BAD_REQUEST',
            message: err.message,
            statusCode: status,
          });
        }
        log.error({ err }, 'request failed');
        const retriable = isTransientDbError(err);
        return reply.code(retriable ? 503 : 500).send({
          code: retriable ? 'HARK_DB_UNAVAILABLE' : 'HARK_IDENTITY_API_FAILED',
          message: retriable ? 'a dependency is unavailable; retry' : 'internal error',
          statusCode: retriable ? 503 : 500,
        });
      });

      api.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
        const header = req.headers.authorization ?? '';
        const m = /^Bearer\s+(\S+)$/i.exec(header);
        const given = m ? digest(m[1]!) : null;
        if (!given || !keyDigests.some((k) => timingSafeEqual(k, given))) {
          reply.header('www-authenticate', 'Bearer');
          throw new HarkError(
            'HARK_IDENTITY_API_UNAUTHORIZED',
            'send Authorization: Bearer <an IDENTITY_API_KEYS key>',
          );
        }
        if (!deps.isStarted()) {
          reply.header('retry-after', '5');
          throw new HarkError(
            'HARK_DB_UNAVAILABLE',
            'the service is still starting (migrations, customer index); retry',
          );
        }
      });

      // PostgreSQL text cannot hold NUL: refuse it as bad input, naming the field, before any
      // handler sends it to a query (it was a 500).
      api.addHook('preValidation', async (req: FastifyRequest) => {
        const field =
          findNul(req.params, 'params') ??
          findNul(req.query, 'querystring') ??
          findNul(req.body, 'body');
        if (field)
          throw new HarkError(
            'HARK_IDENTITY_API_BAD_REQUEST',
            `${field} must not contain NUL characters`,
            { context: { field } },
          );
      });

      api.put<{ Params: { externalId: string }; Body: Record<string, unknown> }>(
        '/customers/:externalId',
        {
          schema: {
            params: {
              type: 'object',
              required: ['externalId'],
              properties: { externalId: externalIdSchema },
            },
            body: customerBody,
          },
        },
        async (req, reply) => {
          const customer = validOrThrow({ ...req.body, externalId: req.params.externalId });
          const outcome = await deps.customers.upsertMany([customer]);
          const what = outcome.byExternalId.get(customer.externalId)!;
          const stored = await deps.customers.get(customer.externalId);
          return reply
            .code(what === 'inserted' ? 201 : 200)
            .send({ result: what, customer: publicCustomer(stored!) });
        },
      );

      api.post<{ Body: { customers: Record<string, unknown>[] } }>(
        '/customers',
        { schema: { body: batchBody } },
        async (req) => {
          const errors: { index: number; externalId: unknown; problems: CustomerProblem[] }[] = [];
          const valid = new Map<string, Customer>();
          req.body.customers.forEach((draft, index) => {
            const v = validateCustomer(draft);
            if (v.ok) valid.set(v.customer.externalId, v.customer);
            else errors.push({ index, externalId: draft.externalId, problems: v.problems });
          });
          if (errors.length > 0) {
            throw new HarkError(
              'HARK_CRM_INVALID_CUSTOMER',
              `${errors.length} of ${req.body.customers.length} customers are invalid; nothing was stored`,
              { context: { errors } },
            );
          }
          const outcome = await deps.customers.upsertMany([...valid.values()]);
          return {
            inserted: outcome.inserted,
            updated: outcome.updated,
            unchanged: outcome.unchanged,
          };
        },
      );

      api.get<{ Params: { externalId: string } }>(
        '/customers/:externalId',
        { schema: { params: { type: 'object', properties: { externalId: externalIdSchema } } } },
        async (req) => {
          const c = await deps.customers.get(req.params.externalId);
          if (!c) {
            throw new HarkError(
              'HARK_CRM_CUSTOMER_NOT_FOUND',
              `no customer with external id ${req.params.externalId}`,
            );
          }
          return publicCustomer(c);
        },
      );

      api.get<{ Querystring: { limit: number; cursor?: string } }>(
        '/reviews',
        {
          schema: {
            querystring: {
              type: 'object',
              additionalProperties: false,
              properties: {
                limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
                cursor: { type: 'string', maxLength: 512 },
              },
            },
          },
        },
        async (req) =>
          deps.identities.listReviews({ limit: req.query.limit, cursor: req.query.cursor }),
      );

      api.post<{
        Params: { platform: string; authorId: string };
        Body: { reviewer: string; customerId?: string };
      }>(
        '/reviews/:platform/:authorId/confirm',
        {
          schema: {
            params: identityParams,
            body: {
              type: 'object',
              additionalProperties: false,
              required: ['reviewer'],
              properties: { reviewer, customerId: externalIdSchema },
            },
          },
        },
        async (req) => {
          const stored = await deps.identities.confirm(
            {
              platform: req.params.platform.toLowerCase(),
              authorId: req.params.authorId,
              reviewer: req.body.reviewer,
              customerExternalId: req.body.customerId,
            },
            (identity) => deps.emitLink(identityLinkOf(identity)),
          );
          log.info(
            { platform: stored.platform, authorId: stored.authorId, reviewer: stored.decidedBy },
            'link confirmed',
          );
          return { identity: identityLinkOf(stored) };
        },
      );

      api.post<{
        Params: { platform: string; authorId: string };
        Body: { reviewer: string; reason?: string };
      }>(
        '/reviews/:platform/:authorId/reject',
        {
          schema: {
            params: identityParams,
            body: {
              type: 'object',
              additionalProperties: false,
              required: ['reviewer'],
              properties: { reviewer, reason: { type: 'string', maxLength: 500 } },
            },
          },
        },
        async (req) => {
          const stored = await deps.identities.reject(
            {
              platform: req.params.platform.toLowerCase(),
              authorId: req.params.authorId,
              reviewer: req.body.reviewer,
              reason: req.body.reason,
            },
            (identity) => deps.emitLink(identityLinkOf(identity)),
          );
          log.info(
            { platform: stored.platform, authorId: stored.authorId, reviewer: stored.decidedBy },
            'link rejected',
          );
          return { identity: identityLinkOf(stored) };
        },
      );

      if (deps.extraRoutes) await deps.extraRoutes(api);
    },
    { prefix: '/v1' },
  );
}

function validOrThrow(draft: Record<string, unknown>): Customer {
  const v = validateCustomer(draft);
  if (v.ok) return v.customer;
  throw new HarkError(
    'HARK_CRM_INVALID_CUSTOMER',
    v.problems.map((p) => `body/${p.field}: ${p.message}`).join('; '),
    {
      context: { problems: v.problems },
    },
  );
}

function publicCustomer(c: CustomerRow) {
  return {
    externalId: c.externalId,
    firstName: c.firstName,
    lastName: c.lastName,
    fullName: c.fullName,
    emails: c.emails,
    phones: c.phones,
    company: c.company,
    city: c.city,
    region: c.region,
    country: c.country,
    tier: c.tier,
    value: c.value,
    handles: c.handles,
    attributes: c.attributes ?? {},
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

function detailsOf(err: HarkError): Record<string, unknown> {
  if (typeof err.context.field === 'string') return { field: err.context.field };
  if (err.context.errors) return { errors: err.context.errors };
  if (err.context.problems) return { problems: err.context.problems };
  return {};
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
