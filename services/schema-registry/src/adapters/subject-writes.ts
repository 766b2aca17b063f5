import { withTransaction, type Pool } from '@hark/db';
import type { Logger } from '@hark/observability';
import type pg from 'pg';
import type { ParsedSchema } from '../domain/parse-schema.ts';
import { registryError } from '../domain/registry-errors.ts';
import {
  planRegistration,
  planSubjectDeletion,
  planVersionDeletion,
} from '../domain/subject-versions.ts';
import type { VersionId } from '../domain/version-id.ts';
import { effectiveLevel } from './compatibility-config-store.ts';
import { loadVersionRows, type Queryable, type SchemaLoader } from './schema-loader.ts';

/** The writes to one subject; each runs in a transaction holding the subject's lock. */
export interface SubjectWrites {
  /** An already-live schema answers its existing id and version. */
  register(
    subject: string,
    candidate: ParsedSchema,
  ): Promise<{ id: number; version: number; created: boolean }>;
  deleteSubject(subject: string, permanent: boolean): Promise<number[]>;
  deleteVersion(subject: string, target: VersionId, permanent: boolean): Promise<number>;
}

export function createSubjectWrites(deps: {
  pool: Pool;
  schemas: SchemaLoader;
  log: Logger;
}): SubjectWrites {
  const { pool, schemas, log } = deps;
  return {
    register(subject, candidate) {
      return underSubjectLock(pool, subject, async (client) => {
        const rows = await loadVersionRows(client, subject);
        const live = new Map<number, ParsedSchema>();
        for (const row of rows.filter((r) => !r.deleted)) {
          const schema = await schemas.load(row.schemaId, client);
          if (schema) live.set(row.schemaId, schema);
        }
        const level = await effectiveLevel(client, subject);
        const plan = planRegistration({ subject, candidate, rows, schemas: live, level });
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

    deleteSubject(subject, permanent) {
      return underSubjectLock(pool, subject, async (client) => {
        const versions = planSubjectDeletion(
          subject,
          await loadVersionRows(client, subject),
          permanent,
        );
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
      return underSubjectLock(pool, subject, async (client) => {
        const version = planVersionDeletion(
          subject,
          await loadVersionRows(client, subject),
          target,
          permanent,
        );
        await refuseIfReferenced(client, subject, [version]);
        await client.query(
          permanent
            ? 'delete from registry_versions where subject = $1 and version = $2'
            : 'update registry_versions set deleted = true where subject = $1 and version = $2',
          [subject, version],
        );
        log.info({ subject, version, permanent }, 'deleted version');
        return version;
      });
    },
  };
}

function underSubjectLock<T>(
  pool: Pool,
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
