import type { CompatibilityLevel } from './compatibility-level.ts';
import { checkCompatibility } from './compatibility.ts';
import type { ParsedSchema } from './parse-schema.ts';
import {
  registryError,
  schemaNotFound,
  subjectNotFound,
  versionNotFound,
} from './registry-errors.ts';
import type { VersionId } from './version-id.ts';

/** One row of a subject's history; soft-deleted versions stay until a permanent delete. */
export interface VersionRow {
  readonly version: number;
  readonly schemaId: number;
  readonly deleted: boolean;
  /** Identity of the schema (see normalizeSchema). */
  readonly fingerprint: string;
}

/** The versions a read may see: live ones, or all with `?deleted=true`. 40401 when none. */
export function visibleVersions(
  subject: string,
  rows: readonly VersionRow[],
  includeDeleted: boolean,
): VersionRow[] {
  const visible = rows
    .filter((r) => includeDeleted || !r.deleted)
    .sort((a, b) => a.version - b.version);
  if (visible.length === 0) throw subjectNotFound(subject);
  return visible;
}

/** Picks `{version}` of a subject: 40401 if the subject has nothing visible, 40402 if the version is not there. */
export function selectVersion(
  subject: string,
  rows: readonly VersionRow[],
  target: VersionId,
  includeDeleted = false,
): VersionRow {
  const visible = visibleVersions(subject, rows, includeDeleted);
  if (target === 'latest') return visible[visible.length - 1]!;
  const row = visible.find((r) => r.version === target);
  if (!row) throw versionNotFound(subject, target);
  return row;
}

/** POST /subjects/{subject}: the latest visible version holding this schema, else 40401/40403. */
export function findRegisteredVersion(
  subject: string,
  rows: readonly VersionRow[],
  fingerprint: string,
  includeDeleted = false,
): VersionRow {
  const visible = visibleVersions(subject, rows, includeDeleted);
  const match = visible.filter((r) => r.fingerprint === fingerprint).pop();
  if (!match) throw schemaNotFound();
  return match;
}

export type RegistrationPlan =
  { kind: 'existing'; schemaId: number; version: number } | { kind: 'new'; version: number };

/**
 * Decides a registration under the subject's lock. A schema already live
 * under the subject answers its existing id and version without a
 * compatibility check (Confluent does the same, so re-registering on every
 * producer start is free); otherwise the candidate must pass the subject's
 * level against its live versions (409 if not) and gets the next version
 * number. Numbers continue after soft-deleted versions and restart only
 * once the subject was permanently deleted.
 */
export function planRegistration(input: {
  subject: string;
  candidate: ParsedSchema;
  rows: readonly VersionRow[];
  /** Parsed schemas of the live rows, by schema id. */
  schemas: ReadonlyMap<number, ParsedSchema>;
  level: CompatibilityLevel;
}): RegistrationPlan {
  const { subject, candidate, rows, schemas, level } = input;
  const live = rows.filter((r) => !r.deleted).sort((a, b) => a.version - b.version);
  const existing = live.filter((r) => r.fingerprint === candidate.fingerprint).pop();
  if (existing) return { kind: 'existing', schemaId: existing.schemaId, version: existing.version };
  const previous = live.map((r) => {
    const schema = schemas.get(r.schemaId);
    if (!schema) throw new Error(`schema ${r.schemaId} of ${subject} was not loaded`);
    return { version: r.version, type: schema.type };
  });
  const result = checkCompatibility({ level, candidate: candidate.type, previous });
  if (!result.compatible) {
    throw registryError(
      409,
      `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: ${result.messages.join('; ')}`,
      { subject, level },
    );
  }
  return { kind: 'new', version: Math.max(0, ...rows.map((r) => r.version)) + 1 };
}

/**
 * DELETE /subjects/{subject}: soft-deletes every live version, or with
 * `permanent` removes a subject that was soft-deleted first. Returns the
 * versions affected.
 */
export function planSubjectDeletion(
  subject: string,
  rows: readonly VersionRow[],
  permanent: boolean,
): number[] {
  if (rows.length === 0) throw subjectNotFound(subject);
  const live = rows.filter((r) => !r.deleted);
  if (permanent) {
    if (live.length > 0) {
      throw registryError(
        40405,
        `Subject '${subject}' was not deleted first before being permanently deleted`,
        { subject },
      );
    }
    return rows.map((r) => r.version).sort((a, b) => a - b);
  }
  if (live.length === 0) {
    throw registryError(
      40404,
      `Subject '${subject}' was soft deleted. Set permanent=true to delete permanently`,
      { subject },
    );
  }
  return live.map((r) => r.version).sort((a, b) => a - b);
}

/**
 * DELETE /subjects/{subject}/versions/{version}: the same two steps for one
 * version. "latest" names the latest live version.
 */
export function planVersionDeletion(
  subject: string,
  rows: readonly VersionRow[],
  target: VersionId,
  permanent: boolean,
): number {
  if (rows.length === 0) throw subjectNotFound(subject);
  const row =
    target === 'latest'
      ? rows
          .filter((r) => !r.deleted)
          .sort((a, b) => a.version - b.version)
          .pop()
      : rows.find((r) => r.version === target);
  if (!row) throw versionNotFound(subject, target);
  if (permanent && !row.deleted) {
    throw registryError(
      40407,
      `Subject '${subject}' Version ${row.version} was not deleted first before being permanently deleted`,
      { subject, version: row.version },
    );
  }
  if (!permanent && row.deleted) {
    throw registryError(
      40406,
      `Subject '${subject}' Version ${row.version} was soft deleted. Set permanent=true to delete permanently`,
      { subject, version: row.version },
    );
  }
  return row.version;
}

/**
 * The versions POST /compatibility checks a schema against: one named
 * version (40401/40402 if missing), the latest live one (none for a new
 * subject: anything is compatible), or with no version every live one, as
 * registration would.
 */
export function versionsToCheck(
  subject: string,
  rows: readonly VersionRow[],
  target: VersionId | 'all',
): VersionRow[] {
  const live = rows.filter((r) => !r.deleted).sort((a, b) => a.version - b.version);
  if (target === 'all') return live;
  if (target === 'latest') return live.slice(-1);
  return [selectVersion(subject, rows, target)];
}
