import type { SubjectState } from '../domain/list-subjects.ts';
import { withTransaction, type Pool } from '@hark/db';
import type { Logger } from '@hark/observability';
import type pg from 'pg';
import {
  DEFAULT_COMPATIBILITY,
  isCompatibilityLevel,
  type CompatibilityLevel,
} from '../domain/compatibility-level.ts';
import { checkCompatibility, type CompatibilityResult } from '../domain/compatibility.ts';
import {
  MAX_REFERENCE_DEPTH,
  parseAvroSchema,
  type ParsedSchema,
  type ResolvedReference,
  type SchemaReference,
} from '../domain/parse-schema.ts';
import { registryError, schemaNotFound } from '../domain/registry-errors.ts';
import {
  findRegisteredVersion,
  planRegistration,
  planSubjectDeletion,
  planVersionDeletion,
  selectVersion,
  versionsToCheck,
  visibleVersions,
  type VersionRow,
} from '../domain/subject-versions.ts';
import type { VersionId } from '../domain/version-id.ts';

/** A version as the API answers it. */
export interface SubjectVersion {
  subject: string;
  version: number;
  id: number;
  schema: string;
  /** Present (Confluent's shape) only when the schema has references. */
  references?: SchemaReference[];
}

export interface SchemaStore {
  /** Registers under the subject's lock; an already-live schema answers its existing id. */
  register(
    subject: string,
    candidate: ParsedSchema,
  ): Promise<{ id: number; version: number; created: boolean }>;
  lookup(
    subject: string,
    candidate: ParsedSchema,
    includeDeleted: boolean,
  ): Promise<SubjectVersion>;
  listSubjects(includeDeleted: boolean): Promise<string[]>;
  /** Ids of the schemas whose references name this subject's version. */
  referencedBy(subject: string, version: number): Promise<number[]>;
  /** Parses a request's schema with its references loaded; an unknown reference is 42201. */
  resolveCandidate(text: string, references: readonly SchemaReference[]): Promise<ParsedSchema>;
  /** Every subject with whether it has live and soft-deleted versions (for `GET /subjects` filters). */
  subjectStates(): Promise<SubjectState[]>;
  listVersions(subject: string, includeDeleted: boolean): Promise<number[]>;
  getVersion(subject: string, target: VersionId, includeDeleted: boolean): Promise<SubjectVersion>;
  /** Schemas never change once stored, so reads by id are cached in memory. */
  getSchema(id: number): Promise<ParsedSchema>;
  getSchemaVersions(
    id: number,
    includeDeleted: boolean,
  ): Promise<{ subject: string; version: number }[]>;
  checkCompatibility(
    subject: string,
    candidate: ParsedSchema,
    target: VersionId | 'all',
  ): Promise<CompatibilityResult>;
  getGlobalLevel(): Promise<CompatibilityLevel>;
  setGlobalLevel(level: CompatibilityLevel): Promise<void>;
  getSubjectLevel(subject: string): Promise<CompatibilityLevel | undefined>;
  setSubjectLevel(subject: string, level: CompatibilityLevel): Promise<void>;
  /** Removes the subject-level config; answers what it was, undefined if there was none. */
  deleteSubjectLevel(subject: string): Promise<CompatibilityLevel | undefined>;
  deleteSubject(subject: string, permanent: boolean): Promise<number[]>;
  deleteVersion(subject: string, target: VersionId, permanent: boolean): Promise<number>;
}

type Queryable = Pick<pg.ClientBase, 'query'>;

/** Bound on cached schemas; a registry holds far fewer, the bound only guards memory. */
const MAX_CACHED_SCHEMAS = 10_000;

/**
 * The registry's PostgreSQL store. Writes to one subject (register, delete)
 * run in a transaction holding `pg_advisory_xact_lock` on the subject, so
 * concurrent registrations of a subject are serialized and never create two
 * versions; the unique fingerprint makes concurrent registrations of one
 * schema under different subjects share one id.
 */
export function createSchemaStore(deps: { pool: Pool; logger: Logger }): SchemaStore {
  const { pool } = deps;
  const log = deps.logger.child({ component: 'schema-store' });
  const cache = new Map<number, ParsedSchema>();

  /** Loads the referenced versions (soft-deleted ones too: a stored schema keeps its types). */
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
      const schema = await loadSchema(rows[0].schema_id, db, depth + 1);
      if (!schema) throw schemaNotFound(rows[0].schema_id);
      out.push({ ...ref, schema });
    }
    return out;
  }

  async function loadSchema(
    id: number,
    db: Queryable = pool,
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

  async function loadRows(db: Queryable, subject: string): Promise<VersionRow[]> {
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

  async function effectiveLevel(db: Queryable, subject: string): Promise<CompatibilityLevel> {
    const { rows } = await db.query<{ level: string | null }>(
      `select coalesce(
         (select compatibility from registry_subject_config where subject = $1),
         (select compatibility from registry_global_config)) as level`,
      [subject],
    );
    const level = rows[0]?.level;
    return isCompatibilityLevel(level) ? level : DEFAULT_COMPATIBILITY;
  }

  async function toSubjectVersion(
    subject: string,
    row: VersionRow,
    db: Queryable = pool,
  ): Promise<SubjectVersion> {
    const schema = await loadSchema(row.schemaId, db);
    if (!schema) throw schemaNotFound(row.schemaId);
    return {
      subject,
      version: row.version,
      id: row.schemaId,
      schema: schema.text,
      ...referencesOf(schema),
    };
  }

  /** Finds or inserts the schema row; a concurrent insert of the same schema waits on the unique key. */
  async function ensureSchema(db: Queryable, candidate: ParsedSchema): Promise<number> {
    const select = () =>
      db.query<{ id: number }>('select id from registry_schemas where fingerprint = $1', [
        candidate.fingerprint,
      ]);
    const found = await select();
    if (found.rows[0]) return found.rows[0].id;
    const inserted = await db.query<{ id: number }>(
      `insert into registry_schemas (schema_type, schema, normalized, fingerprint)
       values ('AVRO', $1, $2, $3)
       on conflict (fingerprint) do nothing
       returning id`,
      [candidate.text, candidate.normalized, candidate.fingerprint],
    );
    if (inserted.rows[0]) {
      const id = inserted.rows[0].id;
      for (const [ord, r] of candidate.references.entries())
        await db.query(
          `insert into registry_schema_references (schema_id, ord, name, subject, version)
           values ($1, $2, $3, $4, $5)`,
          [id, ord, r.name, r.subject, r.version],
        );
      return id;
    }
    const raced = await select();
    return raced.rows[0]!.id;
  }

  /** A version another schema references cannot be deleted (Confluent's 42206). */
  async function refuseIfReferenced(
    db: Queryable,
    subject: string,
    versions: readonly number[],
  ): Promise<void> {
    const { rows } = await db.query<{ version: number; schema_id: number }>(
      `select version, schema_id from registry_schema_references
        where subject = $1 and version = any($2::int[]) order by version, schema_id`,
      [subject, versions],
    );
    if (rows.length > 0)
      throw registryError(
        42206,
        `One or more references exist to the schema {subject=${subject}, version=${rows[0]!.version}}: schema id ${rows.map((r) => r.schema_id).join(', ')} uses it`,
      );
  }

  function underSubjectLock<T>(
    subject: string,
    fn: (client: pg.PoolClient) => Promise<T>,
  ): Promise<T> {
    return withTransaction(pool, async (client) => {
      await client.query('select pg_advisory_xact_lock(hashtext($1))', [
        `schema-registry:subject:${subject}`,
      ]);
      return fn(client);
    });
  }

  return {
    async referencedBy(subject, version) {
      const { rows } = await pool.query<{ schema_id: number }>(
        `select distinct schema_id from registry_schema_references
          where subject = $1 and version = $2 order by schema_id`,
        [subject, version],
      );
      return rows.map((r) => r.schema_id);
    },

    async resolveCandidate(text, references) {
      return parseAvroSchema(text, await resolveReferences(references, pool, 1));
    },

    register(subject, candidate) {
      return underSubjectLock(subject, async (client) => {
        const rows = await loadRows(client, subject);
        const schemas = new Map<number, ParsedSchema>();
        for (const row of rows.filter((r) => !r.deleted)) {
          const schema = await loadSchema(row.schemaId, client);
          if (schema) schemas.set(row.schemaId, schema);
        }
        const level = await effectiveLevel(client, subject);
        const plan = planRegistration({ subject, candidate, rows, schemas, level });
        if (plan.kind === 'existing') {
          return { id: plan.schemaId, version: plan.version, created: false };
        }
        const id = await ensureSchema(client, candidate);
        await client.query(
          'insert into registry_versions (subject, version, schema_id) values ($1, $2, $3)',
          [subject, plan.version, id],
        );
        log.info({ subject, id, version: plan.version, level }, 'registered schema');
        return { id, version: plan.version, created: true };
      });
    },

    async lookup(subject, candidate, includeDeleted) {
      const rows = await loadRows(pool, subject);
      const row = findRegisteredVersion(subject, rows, candidate.fingerprint, includeDeleted);
      return toSubjectVersion(subject, row);
    },

    async listSubjects(includeDeleted) {
      const { rows } = await pool.query<{ subject: string }>(
        `select distinct subject from registry_versions
          where $1 or not deleted
          order by subject`,
        [includeDeleted],
      );
      return rows.map((r) => r.subject);
    },

    async subjectStates() {
      const { rows } = await pool.query<SubjectState>(
        `select subject, bool_or(not deleted) as live, bool_or(deleted) as deleted
           from registry_versions
          group by subject
          order by subject`,
      );
      return rows;
    },

    async listVersions(subject, includeDeleted) {
      const rows = await loadRows(pool, subject);
      return visibleVersions(subject, rows, includeDeleted).map((r) => r.version);
    },

    async getVersion(subject, target, includeDeleted) {
      const rows = await loadRows(pool, subject);
      return toSubjectVersion(subject, selectVersion(subject, rows, target, includeDeleted));
    },

    async getSchema(id) {
      const schema = await loadSchema(id);
      if (!schema) throw schemaNotFound(id);
      return schema;
    },

    async getSchemaVersions(id, includeDeleted) {
      if (!(await loadSchema(id))) throw schemaNotFound(id);
      const { rows } = await pool.query<{ subject: string; version: number }>(
        `select subject, version from registry_versions
          where schema_id = $1 and ($2 or not deleted)
          order by subject, version`,
        [id, includeDeleted],
      );
      return rows;
    },

    async checkCompatibility(subject, candidate, target) {
      const rows = await loadRows(pool, subject);
      const against = versionsToCheck(subject, rows, target);
      const previous = [];
      for (const row of against) {
        const schema = await loadSchema(row.schemaId);
        if (!schema) throw schemaNotFound(row.schemaId);
        previous.push({ version: row.version, type: schema.type });
      }
      const level = await effectiveLevel(pool, subject);
      return checkCompatibility({ level, candidate: candidate.type, previous });
    },

    async getGlobalLevel() {
      const { rows } = await pool.query<{ compatibility: string }>(
        'select compatibility from registry_global_config',
      );
      const level = rows[0]?.compatibility;
      return isCompatibilityLevel(level) ? level : DEFAULT_COMPATIBILITY;
    },

    async setGlobalLevel(level) {
      await pool.query(
        `insert into registry_global_config (singleton, compatibility) values (true, $1)
         on conflict (singleton) do update set compatibility = excluded.compatibility, updated_at = now()`,
        [level],
      );
      log.info({ level }, 'set global compatibility');
    },

    async getSubjectLevel(subject) {
      const { rows } = await pool.query<{ compatibility: string }>(
        'select compatibility from registry_subject_config where subject = $1',
        [subject],
      );
      const level = rows[0]?.compatibility;
      return isCompatibilityLevel(level) ? level : undefined;
    },

    async setSubjectLevel(subject, level) {
      await pool.query(
        `insert into registry_subject_config (subject, compatibility) values ($1, $2)
         on conflict (subject) do update set compatibility = excluded.compatibility, updated_at = now()`,
        [subject, level],
      );
      log.info({ subject, level }, 'set subject compatibility');
    },

    async deleteSubjectLevel(subject) {
      const { rows } = await pool.query<{ compatibility: string }>(
        'delete from registry_subject_config where subject = $1 returning compatibility',
        [subject],
      );
      const level = rows[0]?.compatibility;
      return isCompatibilityLevel(level) ? level : undefined;
    },

    deleteSubject(subject, permanent) {
      return underSubjectLock(subject, async (client) => {
        const rows = await loadRows(client, subject);
        const versions = planSubjectDeletion(subject, rows, permanent);
        await refuseIfReferenced(client, subject, versions);
        if (permanent) {
          await client.query('delete from registry_versions where subject = $1', [subject]);
          await client.query('delete from registry_subject_config where subject = $1', [subject]);
        } else {
          await client.query(
            'update registry_versions set deleted = true where subject = $1 and not deleted',
            [subject],
          );
        }
        log.info({ subject, versions, permanent }, 'deleted subject');
        return versions;
      });
    },

    deleteVersion(subject, target, permanent) {
      return underSubjectLock(subject, async (client) => {
        const rows = await loadRows(client, subject);
        const version = planVersionDeletion(subject, rows, target, permanent);
        await refuseIfReferenced(client, subject, [version]);
        if (permanent) {
          await client.query('delete from registry_versions where subject = $1 and version = $2', [
            subject,
            version,
          ]);
        } else {
          await client.query(
            'update registry_versions set deleted = true where subject = $1 and version = $2',
            [subject, version],
          );
        }
        log.info({ subject, version, permanent }, 'deleted version');
        return version;
      });
    },
  };
}

/** Confluent answers `references` only for schemas that have some. */
export function referencesOf(schema: ParsedSchema): { references?: SchemaReference[] } {
  return schema.references.length === 0
    ? {}
    : {
        references: schema.references.map((r) => ({
          name: r.name,
          subject: r.subject,
          version: r.version,
        })),
      };
}
