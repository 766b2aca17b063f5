import type { Pool } from '@hark/db';
import { checkCompatibility, type CompatibilityResult } from '../domain/compatibility.ts';
import type { SubjectState } from '../domain/list-subjects.ts';
import {
  parseAvroSchema,
  type ParsedSchema,
  type SchemaReference,
} from '../domain/parse-schema.ts';
import {
  findRegisteredVersion,
  selectVersion,
  versionsToCheck,
  visibleVersions,
  type VersionRow,
} from '../domain/subject-versions.ts';
import type { VersionId } from '../domain/version-id.ts';
import { effectiveLevel } from './compatibility-config-store.ts';
import { loadVersionRows, type SchemaLoader } from './schema-loader.ts';

/** A version as the API answers it. */
export interface SubjectVersion {
  subject: string;
  version: number;
  id: number;
  schema: string;
  /** Present (Confluent's shape) only when the schema has references. */
  references?: SchemaReference[];
}

/** The registry's reads; none takes a lock. */
export interface SubjectReads {
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
}

export function createSubjectReads(deps: { pool: Pool; schemas: SchemaLoader }): SubjectReads {
  const { pool, schemas } = deps;

  async function toSubjectVersion(subject: string, row: VersionRow): Promise<SubjectVersion> {
    const schema = await schemas.require(row.schemaId);
    return {
      subject,
      version: row.version,
      id: row.schemaId,
      schema: schema.text,
      ...referencesOf(schema),
    };
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
      return parseAvroSchema(text, await schemas.resolveReferences(references, pool, 1));
    },

    async lookup(subject, candidate, includeDeleted) {
      const rows = await loadVersionRows(pool, subject);
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
      const rows = await loadVersionRows(pool, subject);
      return visibleVersions(subject, rows, includeDeleted).map((r) => r.version);
    },

    async getVersion(subject, target, includeDeleted) {
      const rows = await loadVersionRows(pool, subject);
      return toSubjectVersion(subject, selectVersion(subject, rows, target, includeDeleted));
    },

    getSchema: (id) => schemas.require(id),

    async getSchemaVersions(id, includeDeleted) {
      await schemas.require(id);
      const { rows } = await pool.query<{ subject: string; version: number }>(
        `select subject, version from registry_versions
          where schema_id = $1 and ($2 or not deleted)
          order by subject, version`,
        [id, includeDeleted],
      );
      return rows;
    },

    async checkCompatibility(subject, candidate, target) {
      const rows = await loadVersionRows(pool, subject);
      const previous = [];
      for (const row of versionsToCheck(subject, rows, target)) {
        const schema = await schemas.require(row.schemaId);
        previous.push({ version: row.version, type: schema.type });
      }
      const level = await effectiveLevel(pool, subject);
      return checkCompatibility({ level, candidate: candidate.type, previous });
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
