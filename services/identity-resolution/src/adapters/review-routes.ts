import type { IdentityLink } from '@hark/events';
import { problem } from '@hark/http';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { identityLinkOf } from '../domain/decide-author.ts';
import type { IdentityRepository } from './identity-repository.ts';
import {
  commonProblems,
  externalIdSchema,
  identityAnswer,
  identityParams,
  reviewer,
} from './identity-api-schemas.ts';

export interface ReviewRoutesDeps {
  identities: IdentityRepository;
  /** Produces an identity.links record and resolves once Kafka acknowledged it. */
  emitLink: (link: IdentityLink) => Promise<void>;
  log: Logger;
}

type Decision = { Params: { platform: string; authorId: string } };

const decisionResponses = {
  200: { description: 'Decided; the link is on identity.links.', ...identityAnswer },
  404: problem('No social identity for that platform and author.'),
  ...commonProblems,
} as const;

/** The review queue: links the matcher was unsure of, and a reviewer's decision on each. */
export function registerReviewRoutes(api: FastifyInstance, deps: ReviewRoutesDeps): void {
  const { identities, log } = deps;
  type Identity = Parameters<typeof identityLinkOf>[0];
  const emit = (identity: Identity) => deps.emitLink(identityLinkOf(identity));
  const decided = (stored: Identity, what: string) => {
    log.info(
      { platform: stored.platform, authorId: stored.authorId, reviewer: stored.decidedBy },
      what,
    );
    return { identity: identityLinkOf(stored) };
  };

  api.get<{ Querystring: { limit: number; cursor?: string } }>(
    '/reviews',
    {
      schema: {
        summary: 'The review queue, oldest first, a page at a time',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
            cursor: { type: 'string', maxLength: 512 },
          },
        },
        response: {
          200: { description: 'A page of reviews and the next cursor.', type: 'object' },
          ...commonProblems,
        },
      },
    },
    async (req) => identities.listReviews({ limit: req.query.limit, cursor: req.query.cursor }),
  );

  api.post<Decision & { Body: { reviewer: string; customerId?: string } }>(
    '/reviews/:platform/:authorId/confirm',
    {
      schema: {
        summary: 'Confirm a link (to the proposed customer, or to customerId)',
        params: identityParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['reviewer'],
          properties: { reviewer, customerId: externalIdSchema },
        },
        response: decisionResponses,
      },
    },
    async (req) => {
      const stored = await identities.confirm(
        {
          platform: req.params.platform.toLowerCase(),
          authorId: req.params.authorId,
          reviewer: req.body.reviewer,
          customerExternalId: req.body.customerId,
        },
        emit,
      );
      return decided(stored, 'link confirmed');
    },
  );

  api.post<Decision & { Body: { reviewer: string; reason?: string } }>(
    '/reviews/:platform/:authorId/reject',
    {
      schema: {
        summary: 'Reject a proposed link',
        params: identityParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['reviewer'],
          properties: { reviewer, reason: { type: 'string', maxLength: 500 } },
        },
        response: decisionResponses,
      },
    },
    async (req) => {
      const stored = await identities.reject(
        {
          platform: req.params.platform.toLowerCase(),
          authorId: req.params.authorId,
          reviewer: req.body.reviewer,
          reason: req.body.reason,
        },
        emit,
      );
      return decided(stored, 'link rejected');
    },
  );
}
