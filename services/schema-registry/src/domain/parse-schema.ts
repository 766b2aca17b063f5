import { createHash } from 'node:crypto';
import avro from 'avsc';
import { normalizeSchema } from './normalize-schema.ts';
import { registryError } from './registry-errors.ts';

/** A named type the schema uses from another subject's version (Confluent schema references). */
export interface SchemaReference {
  /** The full name of the referenced type, as the schema spells it. */
  readonly name: string;
  readonly subject: string;
  readonly version: number;
}

/** A reference with the referenced schema already parsed (its own references resolved). */
export interface ResolvedReference extends SchemaReference {
  readonly schema: ParsedSchema;
}

/** A validated Avro schema: the text as first sent, its avsc type and its identity. */
export interface ParsedSchema {
  /** The schema exactly as the client sent it; answered back unchanged. */
  readonly text: string;
  readonly type: avro.Type;
  /** Types it takes from other subjects; empty for a self-contained schema. */
  readonly references: readonly ResolvedReference[];
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

/** Most references one schema may carry, and how deep references may chain. */
const MAX_REFERENCES = 100;
export const MAX_REFERENCE_DEPTH = 16;

/**
 * Reads a register/lookup/compatibility body: `{"schema": "<json>",
 * "schemaType"?: "AVRO", "references"?: [{name, subject, version}]}`. A
 * missing schemaType means AVRO; other types are refused with 42201. The
 * references are returned unresolved: the caller loads them
 * (`parseAvroSchema` takes them resolved).
 */
export function readSchemaRequest(body: unknown): {
  text: string;
  references: SchemaReference[];
} {
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
  const refs: SchemaReference[] = [];
  if (references !== undefined && references !== null) {
    if (!Array.isArray(references)) {
      throw registryError(42201, 'Invalid schema: "references" must be an array');
    }
    if (references.length > MAX_REFERENCES)
      throw registryError(42201, `Invalid schema: more than ${MAX_REFERENCES} references`);
    references.forEach((r: unknown, i) => {
      const ref = (r ?? {}) as Record<string, unknown>;
      const version = typeof ref.version === 'number' ? ref.version : Number(ref.version);
      if (
        typeof ref.name !== 'string' ||
        ref.name === '' ||
        typeof ref.subject !== 'string' ||
        ref.subject === '' ||
        !Number.isInteger(version) ||
        version < 1
      )
        throw registryError(
          42201,
          `Invalid schema: references[${i}] needs a "name", a "subject" and a "version" ≥ 1`,
        );
      refs.push({ name: ref.name, subject: ref.subject, version });
    });
  }
  if (typeof schema !== 'string' || schema.trim() === '') {
    throw registryError(42201, 'Empty schema: the request body needs a "schema" string');
  }
  return { text: schema, references: refs };
}

/** `readSchemaRequest` for a schema without references (they need the store to resolve). */
export function parseSchemaRequest(body: unknown): ParsedSchema {
  const { text, references } = readSchemaRequest(body);
  if (references.length > 0)
    throw registryError(42201, 'Invalid schema: its references must be resolved first');
  return parseAvroSchema(text);
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

/** Registers the named types of a resolved reference chain, depth first. */
function registerReferenced(
  refs: readonly ResolvedReference[],
  registry: Record<string, avro.Type>,
  depth: number,
): void {
  if (depth > MAX_REFERENCE_DEPTH)
    throw registryError(
      42201,
      `Invalid schema: references chain deeper than ${MAX_REFERENCE_DEPTH}`,
    );
  for (const r of refs) {
    registerReferenced(r.schema.references, registry, depth + 1);
    avro.Type.forSchema(JSON.parse(r.schema.text) as avro.Schema, { ...PARSE_OPTIONS, registry });
  }
}

/**
 * Validates one Avro schema text; anything that is not JSON or not valid Avro
 * is 42201. Named types from `references` (already resolved) are known to it;
 * a name the schema uses that is neither defined in it nor referenced is 42201.
 */
export function parseAvroSchema(
  text: string,
  references: readonly ResolvedReference[] = [],
): ParsedSchema {
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
    const registry: Record<string, avro.Type> = {};
    registerReferenced(references, registry, 1);
    type = avro.Type.forSchema(json as avro.Schema, { ...PARSE_OPTIONS, registry });
  } catch (err) {
    if (
      err instanceof Error &&
      'code' in err &&
      typeof (err as { code?: unknown }).code === 'string'
    )
      throw err;
    throw registryError(42201, `Invalid schema: ${(err as Error).message}`);
  }
  // The same text with other references is another schema: they are part of its identity.
  const normalized =
    normalizeSchema(json) +
    (references.length === 0
      ? ''
      : `\nreferences:${JSON.stringify(references.map((r) => [r.name, r.subject, r.version]))}`);
  return {
    text,
    type,
    references,
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
