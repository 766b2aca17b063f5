import type { Pool } from '@hark/db';
import type { Logger } from '@hark/observability';
import {
  createCompatibilityConfigStore,
  type CompatibilityConfigStore,
} from './compatibility-config-store.ts';
import { createSchemaLoader } from './schema-loader.ts';
import { createSubjectReads, type SubjectReads } from './subject-reads.ts';
import { createSubjectWrites, type SubjectWrites } from './subject-writes.ts';

export { referencesOf, type SubjectVersion } from './subject-reads.ts';

export interface SchemaStore extends SubjectReads, SubjectWrites, CompatibilityConfigStore {}

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
  const schemas = createSchemaLoader({ pool });
  return {
    ...createSubjectReads({ pool, schemas }),
    ...createSubjectWrites({ pool, schemas, log }),
    ...createCompatibilityConfigStore({ pool, log }),
  };
}
