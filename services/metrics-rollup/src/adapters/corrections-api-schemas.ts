import { problem } from '@hark/http';
import { INTENTS } from '../domain/aggregate-mentions.ts';

const MAX_BATCH = 1000;

const who = { type: 'string', minLength: 1, maxLength: 128 } as const;
const correction = {
  type: 'object',
  additionalProperties: false,
  required: ['mentionId', 'reason'],
  properties: {
    mentionId: { type: 'string', minLength: 1, maxLength: 512 },
    sentiment: { type: ['string', 'null'], enum: ['positive', 'neutral', 'negative', null] },
    sentimentScore: { type: ['number', 'null'], minimum: -1, maximum: 1 },
    intent: { type: ['string', 'null'], enum: [...INTENTS, null] },
    reason: { type: 'string', minLength: 1, maxLength: 2000 },
    correctedBy: who,
  },
} as const;
export const correctionsBody = {
  type: 'object',
  additionalProperties: false,
  required: ['corrections'],
  properties: {
    corrections: { type: 'array', minItems: 1, maxItems: MAX_BATCH, items: correction },
    correctedBy: who,
  },
} as const;
const since = {
  type: 'string',
  maxLength: 40,
  description: 'ISO-8601 time or epoch milliseconds.',
} as const;
export const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    since,
    after: { type: 'string', pattern: '^[0-9]{1,19}$' },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  },
} as const;
export const exportQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { since },
} as const;

const result = {
  type: 'object',
  properties: {
    applied: { type: 'integer' },
    results: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: true,
        properties: {
          index: { type: 'integer' },
          mentionId: { type: 'string' },
          status: { type: 'string' },
          statusCode: { type: 'integer' },
        },
      },
    },
  },
} as const;

const common = {
  400: problem('The request does not match the route schema or names no one as corrector.'),
  401: problem('Missing or unknown API key (ROLLUP_API_KEYS).'),
  503: problem('Still starting, or PostgreSQL is unavailable; retry.'),
} as const;

export const correctResponses = {
  200: { description: 'Every correction applied.', ...result },
  207: { description: 'Some mentions were not found; the others applied.', ...result },
  404: { description: 'No mention was found.', ...result },
  ...common,
} as const;

export const listResponses = {
  200: {
    description: 'A page of stored corrections; `next` is the `after` of the next page.',
    type: 'object',
    properties: {
      corrections: { type: 'array', items: { type: 'object', additionalProperties: true } },
      next: { type: ['string', 'null'] },
    },
  },
  ...common,
} as const;

export const exportResponses = {
  200: {
    description: 'The corrections as labeled examples, one JSON object a line.',
    content: { 'application/x-ndjson': { schema: { type: 'string' } } },
  },
  ...common,
} as const;
