import { readSchemaRequest } from '../domain/parse-schema.ts';
import { schemaNotFound } from '../domain/registry-errors.ts';
import { parseSchemaId } from '../domain/version-id.ts';
import type { SchemaStore } from './schema-store.ts';

export type SubjectParams = { Params: { subject: string } };
export type VersionParams = { Params: { subject: string; version: string } };
export type IdParams = { Params: { id: string } };
export type Flags = { Querystring: Record<string, string | undefined> };

/** What the route groups of the registry API need. */
export interface RegistryRoutesDeps {
  store: SchemaStore;
}

/** A posted schema, resolved against the store (its references looked up). */
export function resolveCandidate(store: SchemaStore, body: unknown) {
  const { text, references } = readSchemaRequest(body);
  return store.resolveCandidate(text, references);
}

/** Confluent's boolean query flags: `true` in any case, anything else is false. */
export function flag(value: string | undefined): boolean {
  return typeof value === 'string' && value.toLowerCase() === 'true';
}

export function schemaIdOf(raw: string): number {
  const id = parseSchemaId(raw);
  if (id === undefined) throw schemaNotFound();
  return id;
}
