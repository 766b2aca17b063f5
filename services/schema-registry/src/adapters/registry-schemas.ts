import { COMPATIBILITY_LEVELS } from '../domain/compatibility-level.ts';

/*
 * Route schemas of the registry API. They document it (GET /openapi.json)
 * and do not validate: Confluent clients branch on the registry's own
 * error codes (42201, 40401, …), which the domain parsers answer.
 */

const errorBody = {
  type: 'object',
  properties: {
    error_code: { type: 'integer', description: "Confluent's error code (40401, 42201, …)." },
    message: { type: 'string' },
  },
} as const;

export const failure = (description: string) => ({ description, ...errorBody });

const subject = { type: 'string', description: 'e.g. mentions.raw-value' } as const;
const version = {
  type: 'string',
  description: 'A version number, or `latest` (or -1).',
} as const;
const id = { type: 'string', description: 'A global schema id.' } as const;
const bool = (description: string) => ({ type: 'string', enum: ['true', 'false'], description });

export const subjectParams = { type: 'object', properties: { subject } } as const;
export const versionParams = { type: 'object', properties: { subject, version } } as const;
export const idParams = { type: 'object', properties: { id } } as const;

export const deletedQuery = {
  type: 'object',
  properties: { deleted: bool('Include soft-deleted versions.') },
} as const;
export const permanentQuery = {
  type: 'object',
  properties: { permanent: bool('Hard-delete what was soft-deleted.') },
} as const;
export const verboseQuery = {
  type: 'object',
  properties: { verbose: bool('Say why a schema is incompatible.') },
} as const;

const reference = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    subject: { type: 'string' },
    version: { type: 'integer' },
  },
} as const;

/** A schema as Confluent clients post it: the Avro JSON as a string, AVRO only. */
export const schemaBody = {
  type: 'object',
  required: ['schema'],
  properties: {
    schema: { type: 'string', description: 'The Avro schema, as JSON text.' },
    schemaType: { type: 'string', enum: ['AVRO'] },
    references: { type: 'array', items: reference },
  },
} as const;

export const schemaAnswer = {
  description: 'The schema text and its references.',
  type: 'object',
  properties: { schema: { type: 'string' }, references: { type: 'array', items: reference } },
} as const;

export const subjectVersion = {
  description: 'The subject version: its number, schema id and text.',
  type: 'object',
  properties: {
    subject: { type: 'string' },
    version: { type: 'integer' },
    id: { type: 'integer' },
    schema: { type: 'string' },
    references: { type: 'array', items: reference },
  },
} as const;

export const compatibilityAnswer = {
  description: 'Whether it is compatible (and why not, with verbose=true).',
  type: 'object',
  properties: {
    is_compatible: { type: 'boolean' },
    messages: { type: 'array', items: { type: 'string' } },
  },
} as const;

const level = { type: 'string', enum: [...COMPATIBILITY_LEVELS] } as const;
export const levelBody = {
  type: 'object',
  required: ['compatibility'],
  properties: { compatibility: level },
} as const;
export const levelSet = {
  description: 'The level now in force.',
  type: 'object',
  properties: { compatibility: level },
} as const;
export const levelAnswer = {
  description: 'The compatibility level.',
  type: 'object',
  properties: { compatibilityLevel: level },
} as const;

export const ints = {
  description: 'Version numbers or schema ids.',
  type: 'array',
  items: { type: 'integer' },
} as const;
export const strings = {
  description: 'Names.',
  type: 'array',
  items: { type: 'string' },
} as const;

export const notFound = failure('Unknown subject (40401), version (40402) or schema (40403).');
export const invalid = failure('Invalid schema (42201), version (42202) or level (42203).');
