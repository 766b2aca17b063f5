import { createHash } from 'node:crypto';
import avro from 'avsc';
import { normalizeSchema } from './normalize-schema.ts';
import { registryError } from './registry-errors.ts';

/** A validated Avro schema: the text as first sent, its avsc type and its identity. */
export interface ParsedSchema {
  /** The schema exactly as the client sent it; answered back unchanged. */
  readonly text: string;
  readonly type: avro.Type;
  /** See normalizeSchema: equal forms are the same schema. */
  readonly normalized: string;
  /** sha256 of `normalized`, hex; the unique key of the schemas table. */
  readonly fingerprint: string;
}

/**
 * Options every schema is parsed with. `noAnonymousTypes` closes an avsc
 * leniency: the Avro spec (and Confluent) require a name on records, enums
 * and fixed types, avsc does not by default. Wrapped unions accept every
 * union the spec allows (unwrapped ones reject some ambiguous unions).
 */
const PARSE_OPTIONS = { noAnonymousTypes: true, wrapUnions: true } as const;

/**
 * Reads a register/lookup/compatibility body: `{"schema": "<json>",
 * "schemaType"?: "AVRO", "references"?: []}`. A missing schemaType means
 * AVRO; other types and non-empty references are refused with 42201.
 */
export function parseSchemaRequest(body: unknown): ParsedSchema {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw registryError(
      42201,
      'Invalid schema: the request body must be a JSON object with a "schema" string',
    );
  }
  const { schema, schemaType, references } = body as Record<string, unknown>;
  if (schemaType !== undefined && schemaType !== null) {
    if (typeof schemaType !== 'string' || schemaType.toUpperCase() !== 'AVRO') {
      throw registryError(
        42201,
        `Invalid schema type ${JSON.stringify(schemaType)}: this registry supports AVRO only`,
      );
    }
  }
  if (references !== undefined && references !== null) {
    if (!Array.isArray(references)) {
      throw registryError(42201, 'Invalid schema: "references" must be an array');
    }
    if (references.length > 0) {
      throw registryError(
        42201,
        'Schema references are not supported by this registry: inline the referenced types in the schema',
      );
    }
  }
  if (typeof schema !== 'string' || schema.trim() === '') {
    throw registryError(42201, 'Empty schema: the request body needs a "schema" string');
  }
  return parseAvroSchema(schema);
}

/**
 * Deepest JSON nesting a schema may have. Real schemas nest a few levels
 * (hark's deepest is 4); every step of the validation (structure checks,
 * avsc, normalisation) recurses, and 20,000 levels overflowed the stack (a
 * 500) instead of being refused.
 */
export const MAX_SCHEMA_NESTING = 200;

/** The deepest `{`/`[` nesting of a JSON text, counted without recursion (strings skipped). */
export function jsonNesting(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) max = Math.max(max, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** Validates one Avro schema text; anything that is not JSON or not valid Avro is 42201. */
export function parseAvroSchema(text: string): ParsedSchema {
  const nesting = jsonNesting(text);
  if (nesting > MAX_SCHEMA_NESTING)
    throw registryError(
      42201,
      `Invalid schema: it nests ${nesting} levels deep; at most ${MAX_SCHEMA_NESTING} are accepted`,
    );
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw registryError(42201, `Invalid schema: not JSON (${(err as Error).message})`);
  }
  const problem = findStructureProblem(json);
  if (problem) throw registryError(42201, `Invalid schema: ${problem}`);
  let type: avro.Type;
  try {
    type = avro.Type.forSchema(json as avro.Schema, { ...PARSE_OPTIONS });
  } catch (err) {
    throw registryError(42201, `Invalid schema: ${(err as Error).message}`);
  }
  const normalized = normalizeSchema(json);
  return {
    text,
    type,
    normalized,
    fingerprint: createHash('sha256').update(normalized).digest('hex'),
  };
}

/**
 * Shapes avsc does not check, or trips over with a TypeError instead of a
 * message: a named type or field whose name is not a string, a field
 * without a type, aliases that are not a list of names.
 */
function findStructureProblem(node: unknown, path = '$'): string | undefined {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const p = findStructureProblem(node[i], `${path}[${i}]`);
      if (p) return p;
    }
    return undefined;
  }
  if (node === null || typeof node !== 'object') return undefined;
  const obj = node as Record<string, unknown>;
  if (obj.aliases !== undefined && !isStringArray(obj.aliases)) {
    return `aliases at ${path} must be an array of names`;
  }
  if (typeof obj.type === 'string' && ['record', 'error', 'enum', 'fixed'].includes(obj.type)) {
    if (typeof obj.name !== 'string') return `the ${obj.type} at ${path} needs a string "name"`;
  }
  if (Array.isArray(obj.fields)) {
    for (let i = 0; i < obj.fields.length; i++) {
      const field = obj.fields[i] as Record<string, unknown> | null;
      const at = `${path}.fields[${i}]`;
      if (field === null || typeof field !== 'object' || Array.isArray(field)) {
        return `the field at ${at} must be an object`;
      }
      if (typeof field.name !== 'string') return `the field at ${at} needs a string "name"`;
      if (field.type === undefined) return `the field "${field.name}" at ${at} has no "type"`;
      if (field.aliases !== undefined && !isStringArray(field.aliases)) {
        return `aliases of the field "${field.name}" at ${at} must be an array of names`;
      }
      const p = findStructureProblem(field.type, `${at}.type`);
      if (p) return p;
    }
  }
  for (const key of ['type', 'items', 'values'] as const) {
    if (obj[key] !== null && typeof obj[key] === 'object') {
      const p = findStructureProblem(obj[key], `${path}.${key}`);
      if (p) return p;
    }
  }
  return undefined;
}

function isStringArray(value: unknown): boolean {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}
