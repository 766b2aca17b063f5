import type { Pool } from '@hark/db';
import type pg from 'pg';
import {
  MAX_REFERENCE_DEPTH,
  parseAvroSchema,
  type ParsedSchema,
  type ResolvedReference,
  type SchemaReference,
} from '../domain/parse-schema.ts';
import { registryError, schemaNotFound } from '../domain/registry-errors.ts';
import type { VersionRow } from '../domain/subject-versions.ts';

export type Queryable = Pick<pg.ClientBase, 'query'>;

/** Bound on cached schemas; a registry holds far fewer, the bound only guards memory. */
const MAX_CACHED_SCHEMAS = 10_000;

export interface SchemaLoader {
  /** The stored schema parsed with its references; undefined when no schema has this id. */
  load(id: number, db?: Queryable, depth?: number): Promise<ParsedSchema | undefined>;
  /** Like `load`, but an unknown id is 40403. */
  require(id: number, db?: Queryable): Promise<ParsedSchema>;
  /** Loads the referenced versions (soft-deleted ones too: a stored schema keeps its types). */
  resolveReferences(
    refs: readonly SchemaReference[],
    db: Queryable,
    depth: number,
  ): Promise<ResolvedReference[]>;
}

/** Schemas never change once stored, so parsed schemas are cached by id. */
export function createSchemaLoader(deps: { pool: Pool }): SchemaLoader {
  const cache = new Map<number, ParsedSchema>();

  async function resolveReferences(
    refs: readonly SchemaReference[],
    db: Queryable,
    depth: number,
  ): Promise<ResolvedReference[]> {
    if (refs.length > 0 && depth > MAX_REFERENCE_DEPTH)
      throw registryError(
        42201,
        `Invalid schema: references chain deeper than ${MAX_REFERENCE_DEPTH}`,
      );
    const out: ResolvedReference[] = [];
    for (const ref of refs) {
      const { rows } = await db.query<{ schema_id: number }>(
        'select schema_id from registry_versions where subject = $1 and version = $2',
        [ref.subject, ref.version],
      );
      if (!rows[0])
        throw registryError(
          42201,
          `Invalid schema: reference "${ref.name}" names ${ref.subject} version ${ref.version}, which does not exist`,
        );
      const schema = await load(rows[0].schema_id, db, depth + 1);
      if (!schema) throw schemaNotFound(rows[0].schema_id);
      out.push({ ...ref, schema });
    }
    return out;
  }

  async function load(
    id: number,
    db: Queryable = deps.pool,
    depth = 1,
  ): Promise<ParsedSchema | undefined> {
    const cached = cache.get(id);
    if (cached) return cached;
    const { rows } = await db.query<{ schema: string }>(
      'select schema from registry_schemas where id = $1',
      [id],
    );
    if (rows.length === 0) return undefined;
    const refRows = await db.query<SchemaReference>(
      'select name, subject, version from registry_schema_references where schema_id = $1 order by ord',
      [id],
    );
    const parsed = parseAvroSchema(
      rows[0]!.schema,
      await resolveReferences(refRows.rows, db, depth),
    );
    if (cache.size >= MAX_CACHED_SCHEMAS) cache.delete(cache.keys().next().value!);
    cache.set(id, parsed);
    return parsed;
  }

  return {
    load,
    async require(id, db) {
      const schema = await load(id, db);
      if (!schema) throw schemaNotFound(id);
      return schema;
    },
    resolveReferences,
  };
}

/** The subject's versions in order, soft-deleted ones included. */
export async function loadVersionRows(db: Queryable, subject: string): Promise<VersionRow[]> {
  const { rows } = await db.query<{
    version: number;
    schema_id: number;
    deleted: boolean;
    fingerprint: string;
  }>(
    `select v.version, v.schema_id, v.deleted, s.fingerprint
       from registry_versions v join registry_schemas s on s.id = v.schema_id
      where v.subject = $1
      order by v.version`,
    [subject],
  );
  return rows.map((r) => ({
    version: r.version,
    schemaId: r.schema_id,
    deleted: r.deleted,
    fingerprint: r.fingerprint,
  }));
}
