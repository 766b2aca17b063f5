import { HarkError } from '@hark/errors';
import { problem } from '@hark/http';
import type { FastifyInstance } from 'fastify';
import { validateCustomer, type Customer, type CustomerProblem } from '../domain/customer.ts';
import type { CustomerRepository, CustomerRow } from './customer-repository.ts';
import {
  batchBody,
  commonProblems,
  customerBody,
  customerView,
  externalIdParams,
} from './identity-api-schemas.ts';

/** The CRM side of the identity API: customers in (one or a batch), customers out. */
export function registerCustomerRoutes(
  api: FastifyInstance,
  deps: { customers: CustomerRepository },
): void {
  api.put<{ Params: { externalId: string }; Body: Record<string, unknown> }>(
    '/customers/:externalId',
    {
      schema: {
        summary: 'Insert or update one customer',
        params: externalIdParams,
        body: customerBody,
        response: {
          200: { description: 'Updated (or unchanged).', ...upsertAnswer },
          201: { description: 'Inserted.', ...upsertAnswer },
          ...commonProblems,
        },
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
    {
      schema: {
        summary: 'Insert or update a batch of customers, all or nothing',
        body: batchBody,
        response: {
          200: {
            description: 'Every customer stored.',
            type: 'object',
            properties: {
              inserted: { type: 'integer' },
              updated: { type: 'integer' },
              unchanged: { type: 'integer' },
            },
          },
          ...commonProblems,
        },
      },
    },
    async (req) => {
      const valid = validBatch(req.body.customers);
      const outcome = await deps.customers.upsertMany(valid);
      return { inserted: outcome.inserted, updated: outcome.updated, unchanged: outcome.unchanged };
    },
  );

  api.get<{ Params: { externalId: string } }>(
    '/customers/:externalId',
    {
      schema: {
        summary: 'One customer',
        params: { type: 'object', properties: externalIdParams.properties },
        response: {
          200: { description: 'The customer.', ...customerView },
          404: problem('No customer with that external id.'),
          ...commonProblems,
        },
      },
    },
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
}

const upsertAnswer = {
  type: 'object',
  properties: { result: { enum: ['inserted', 'updated', 'unchanged'] }, customer: customerView },
} as const;

function validOrThrow(draft: Record<string, unknown>): Customer {
  const v = validateCustomer(draft);
  if (v.ok) return v.customer;
  throw new HarkError(
    'HARK_CRM_INVALID_CUSTOMER',
    v.problems.map((p) => `body/${p.field}: ${p.message}`).join('; '),
    { context: { problems: v.problems } },
  );
}

/** Every customer of a batch, valid; otherwise nothing is stored and each problem is named. */
function validBatch(drafts: Record<string, unknown>[]): Customer[] {
  const errors: { index: number; externalId: unknown; problems: CustomerProblem[] }[] = [];
  const valid = new Map<string, Customer>();
  drafts.forEach((draft, index) => {
    const v = validateCustomer(draft);
    if (v.ok) valid.set(v.customer.externalId, v.customer);
    else errors.push({ index, externalId: draft.externalId, problems: v.problems });
  });
  if (errors.length > 0) {
    throw new HarkError(
      'HARK_CRM_INVALID_CUSTOMER',
      `${errors.length} of ${drafts.length} customers are invalid; nothing was stored`,
      { context: { errors } },
    );
  }
  return [...valid.values()];
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
