import { problem } from '@hark/http';

/** The most customers one batch upsert may carry. */
export const MAX_BATCH = 1000;

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

export const externalIdSchema = { type: 'string', minLength: 1, maxLength: 128 } as const;
export const customerBody = {
  type: 'object',
  additionalProperties: false,
  properties: customerProperties,
} as const;
export const externalIdParams = {
  type: 'object',
  required: ['externalId'],
  properties: { externalId: externalIdSchema },
} as const;
export const batchBody = {
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

/** A customer as the API shows it: the stored fields and timestamps. */
export const customerView = {
  type: 'object',
  properties: {
    externalId: { type: 'string' },
    ...customerProperties,
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const identityParams = {
  type: 'object',
  required: ['platform', 'authorId'],
  properties: {
    platform: { type: 'string', minLength: 1, maxLength: 32 },
    authorId: { type: 'string', minLength: 1, maxLength: 256 },
  },
} as const;
// "system" marks automatic decisions; a reviewer must be someone.
export const reviewer = {
  type: 'string',
  minLength: 1,
  maxLength: 128,
  not: { const: 'system' },
} as const;

/** An identity.links record as a review decision answers it. */
export const identityAnswer = {
  type: 'object',
  properties: { identity: { type: 'object', additionalProperties: true } },
} as const;

/** The error answers every /v1 route may give. */
export const commonProblems = {
  400: problem('The request does not match the route schema, or holds a NUL character.'),
  401: problem('Missing or unknown API key (IDENTITY_API_KEYS).'),
  503: problem('Still starting, or PostgreSQL or Kafka is unavailable; retry.'),
} as const;
