import { HarkError } from '@hark/errors';
import { problem } from '@hark/http';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { parseAuthorRef, type ErasureSubject } from '../domain/erasure-plan.ts';
import type { CustomerExport } from './privacy-export.ts';
import type { ErasureStatus, PrivacyService } from './privacy-service.ts';

export interface PrivacyApiDeps {
  /** Undefined until the service started (the /v1 hook answers 503 meanwhile). */
  privacy: () => { service: PrivacyService; exportCustomer(id: string): Promise<CustomerExport> };
  logger: Logger;
}

const requestIdSchema = { type: 'string', pattern: '^er_[0-9a-f-]{36}$' } as const;

/** What a caller sees of an erasure request (see `view`): its audit record and stage reports. */
const erasureView = {
  type: 'object',
  properties: {
    requestId: { type: 'string' },
    status: { enum: ['pending', 'completed'] },
    resumed: { type: 'boolean' },
    subjectKind: { type: 'string' },
    requestedBy: { type: 'string' },
    reason: { type: 'string' },
    requestedAt: { type: ['string', 'null'] },
    erasedAt: { type: ['string', 'null'] },
    propagatedAt: { type: ['string', 'null'] },
    completedAt: { type: ['string', 'null'] },
    counts: { type: 'object', additionalProperties: true },
    waitingFor: {
      type: 'integer',
      description: 'Erasure events metrics-rollup has not reported yet.',
    },
    steps: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
} as const;

const privacyProblems = {
  400: problem('Malformed request: not exactly one subject, or a bad author reference.'),
  401: problem('Missing or unknown API key (IDENTITY_API_KEYS).'),
  503: problem('Still starting, or PostgreSQL or Kafka is unavailable; retry.'),
} as const;

/**
 * Erasure and access requests under /v1/privacy, registered inside the
 * identity API's /v1 scope (same bearer keys, errors and start-up gate):
 *   POST /v1/privacy/erasures           {customerId | author, requestedBy, reason, wait?}
 *   GET  /v1/privacy/erasures/:requestId
 *   GET  /v1/privacy/customers/:customerId/export
 */
export async function registerPrivacyApi(
  api: FastifyInstance,
  deps: PrivacyApiDeps,
): Promise<void> {
  const log = deps.logger.child({ component: 'privacy-api' });

  api.post<{
    Body: {
      customerId?: string;
      author?: string;
      requestedBy: string;
      reason: string;
      waitMs?: number;
    };
  }>(
    '/privacy/erasures',
    {
      schema: {
        summary: 'Erase a customer or an author everywhere (crypto-shredding)',
        response: {
          200: { description: 'Erased and propagated to every stage.', ...erasureView },
          202: { description: 'Accepted; stages still report (poll its status).', ...erasureView },
          ...privacyProblems,
        },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['requestedBy', 'reason'],
          properties: {
            customerId: { type: 'string', minLength: 1, maxLength: 128 },
            author: { type: 'string', minLength: 3, maxLength: 600 },
            requestedBy: { type: 'string', minLength: 1, maxLength: 128 },
            reason: { type: 'string', minLength: 1, maxLength: 64 },
            waitMs: { type: 'integer', minimum: 0, maximum: 60_000 },
          },
        },
      },
    },
    async (req, reply) => {
      const subject = subjectOf(req.body);
      const { service } = deps.privacy();
      let status = await service.erase({
        subject,
        requestedBy: req.body.requestedBy,
        reason: req.body.reason,
        source: 'privacy-api',
      });
      if (status.status !== 'completed' && req.body.waitMs)
        status = await service.waitForCompletion(status.requestId, { timeoutMs: req.body.waitMs });
      log.info({ requestId: status.requestId, status: status.status }, 'erasure request answered');
      return reply.code(status.status === 'completed' ? 200 : 202).send(view(status));
    },
  );

  api.get<{ Params: { requestId: string } }>(
    '/privacy/erasures/:requestId',
    {
      schema: {
        summary: 'The status of an erasure request',
        response: {
          200: { description: 'The request as it stands.', ...erasureView },
          404: problem('No erasure request with that id.'),
          ...privacyProblems,
        },
        params: {
          type: 'object',
          required: ['requestId'],
          properties: { requestId: requestIdSchema },
        },
      },
    },
    async (req) => view(await deps.privacy().service.status(req.params.requestId)),
  );

  api.get<{ Params: { customerId: string } }>(
    '/privacy/customers/:customerId/export',
    {
      schema: {
        summary: 'Everything hark holds on a customer (access request)',
        response: {
          200: {
            description: 'The export, by section.',
            type: 'object',
            additionalProperties: true,
          },
          404: problem('No customer with that external id.'),
          ...privacyProblems,
        },
        params: {
          type: 'object',
          required: ['customerId'],
          properties: { customerId: { type: 'string', minLength: 1, maxLength: 128 } },
        },
      },
    },
    async (req, reply) => {
      const doc = await deps.privacy().exportCustomer(req.params.customerId);
      log.info({ sections: Object.keys(doc).length }, 'access request exported');
      return reply.header('cache-control', 'no-store').send(doc);
    },
  );
}

function subjectOf(body: { customerId?: string; author?: string }): ErasureSubject {
  if ((body.customerId === undefined) === (body.author === undefined))
    throw new HarkError(
      'HARK_PRIVACY_BAD_REQUEST',
      'name exactly one subject: customerId (CRM external id) or author ("platform:authorId")',
    );
  if (body.customerId !== undefined) return { kind: 'customer', customerId: body.customerId };
  const ref = parseAuthorRef(body.author!);
  if (!ref)
    throw new HarkError(
      'HARK_PRIVACY_BAD_REQUEST',
      'author must be "platform:authorId" with a lower-case platform, e.g. "x:2244994945"',
    );
  return { kind: 'author', ...ref };
}

/** What a caller sees of a request: the audit record and the stage reports, no personal data. */
export function view(s: ErasureStatus) {
  return {
    requestId: s.requestId,
    status: s.status,
    resumed: s.resumed,
    subjectKind: s.audit.subjectKind,
    requestedBy: s.audit.requestedBy,
    reason: s.audit.reasonCode,
    requestedAt: s.audit.requestedAt,
    erasedAt: s.audit.erasedAt,
    propagatedAt: s.audit.propagatedAt,
    completedAt: s.audit.completedAt,
    counts: s.audit.counts,
    waitingFor: s.waitingFor,
    steps: s.steps,
  };
}
