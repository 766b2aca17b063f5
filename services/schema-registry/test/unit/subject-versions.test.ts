import { HarkError } from '@hark/errors';
import { describe, expect, it } from 'vitest';
import { parseCompatibilityRequest } from '../../src/domain/compatibility-level.ts';
import { parseAvroSchema, type ParsedSchema } from '../../src/domain/parse-schema.ts';
import { registryError, toConfluentError } from '../../src/domain/registry-errors.ts';
import {
  findRegisteredVersion,
  planRegistration,
  planSubjectDeletion,
  planVersionDeletion,
  selectVersion,
  versionsToCheck,
  visibleVersions,
  type VersionRow,
} from '../../src/domain/subject-versions.ts';
import { parseSchemaId, parseVersionId } from '../../src/domain/version-id.ts';

function errorCodeOf(fn: () => unknown): number {
  try {
    fn();
  } catch (err) {
    if (err instanceof HarkError) return err.context.errorCode as number;
    throw err;
  }
  throw new Error('expected a HarkError');
}

const row = (version: number, schemaId: number, deleted = false, fingerprint = `f${schemaId}`) =>
  ({ version, schemaId, deleted, fingerprint }) satisfies VersionRow;

describe('reading versions', () => {
  const rows = [row(1, 10), row(2, 11, true), row(3, 12)];

  it('lists live versions, or all of them with deleted=true', () => {
    expect(visibleVersions('s', rows, false).map((r) => r.version)).toEqual([1, 3]);
    expect(visibleVersions('s', rows, true).map((r) => r.version)).toEqual([1, 2, 3]);
  });

  it('when a subject has no live version, it is not found (40401)', () => {
    expect(errorCodeOf(() => visibleVersions('s', [], false))).toBe(40401);
    expect(errorCodeOf(() => visibleVersions('s', [row(1, 10, true)], false))).toBe(40401);
  });

  it('latest is the highest live version', () => {
    expect(selectVersion('s', rows, 'latest').version).toBe(3);
  });

  it('when a version is soft-deleted, it is not found unless deleted=true', () => {
    expect(errorCodeOf(() => selectVersion('s', rows, 2))).toBe(40402);
    expect(selectVersion('s', rows, 2, true).schemaId).toBe(11);
  });

  it('when a version does not exist, it is 40402', () => {
    expect(errorCodeOf(() => selectVersion('s', rows, 9))).toBe(40402);
  });

  it('finds the latest live version holding a schema, else 40403', () => {
    const history = [row(1, 10), row(2, 11), row(3, 10, true)];
    expect(findRegisteredVersion('s', history, 'f10').version).toBe(1);
    expect(findRegisteredVersion('s', history, 'f10', true).version).toBe(3);
    expect(errorCodeOf(() => findRegisteredVersion('s', history, 'f99'))).toBe(40403);
    expect(errorCodeOf(() => findRegisteredVersion('s', [], 'f10'))).toBe(40401);
  });
});

describe('planning a registration', () => {
  const parse = (fields: unknown[]) =>
    parseAvroSchema(JSON.stringify({ type: 'record', name: 'R', fields }));
  const v1 = parse([{ name: 'a', type: 'int' }]);
  const withDefault = parse([
    { name: 'a', type: 'int' },
    { name: 'b', type: 'string', default: 'x' },
  ]);
  const withoutDefault = parse([
    { name: 'a', type: 'int' },
    { name: 'b', type: 'string' },
  ]);
  const rowOf = (version: number, id: number, schema: ParsedSchema, deleted = false) =>
    row(version, id, deleted, schema.fingerprint);
  const schemas = new Map([[1, v1]]);

  it('when the subject is new, the schema becomes version 1', () => {
    expect(
      planRegistration({ subject: 's', candidate: v1, rows: [], schemas, level: 'BACKWARD' }),
    ).toEqual({ kind: 'new', version: 1 });
  });

  it('when the schema is already live under the subject, its id and version are answered', () => {
    expect(
      planRegistration({
        subject: 's',
        candidate: v1,
        rows: [rowOf(1, 1, v1)],
        schemas,
        level: 'BACKWARD',
      }),
    ).toEqual({ kind: 'existing', schemaId: 1, version: 1 });
  });

  it('when the schema is compatible, it gets the next version after soft-deleted ones', () => {
    expect(
      planRegistration({
        subject: 's',
        candidate: withDefault,
        rows: [rowOf(1, 1, v1), rowOf(2, 2, withoutDefault, true)],
        schemas,
        level: 'BACKWARD',
      }),
    ).toEqual({ kind: 'new', version: 3 });
  });

  it('when the schema was only soft-deleted under the subject, it is registered again as a new version', () => {
    expect(
      planRegistration({
        subject: 's',
        candidate: v1,
        rows: [rowOf(1, 1, v1, true)],
        schemas,
        level: 'BACKWARD',
      }),
    ).toEqual({ kind: 'new', version: 2 });
  });

  it('when the schema is incompatible, it is refused with 409 and the reason', () => {
    const plan = () =>
      planRegistration({
        subject: 's',
        candidate: withoutDefault,
        rows: [rowOf(1, 1, v1)],
        schemas,
        level: 'BACKWARD',
      });
    expect(errorCodeOf(plan)).toBe(409);
    expect(plan).toThrow(/incompatible with an earlier schema for subject "s".*default-less R\.b/);
  });

  it('when the level is NONE, an incompatible schema is accepted', () => {
    expect(
      planRegistration({
        subject: 's',
        candidate: withoutDefault,
        rows: [rowOf(1, 1, v1)],
        schemas,
        level: 'NONE',
      }),
    ).toEqual({ kind: 'new', version: 2 });
  });
});

describe('planning deletes', () => {
  const live = [row(1, 1), row(2, 2)];
  const softDeleted = [row(1, 1, true), row(2, 2, true)];

  it('a soft delete of a subject answers its live versions', () => {
    expect(planSubjectDeletion('s', [row(1, 1, true), row(2, 2), row(3, 3)], false)).toEqual([
      2, 3,
    ]);
  });

  it('a permanent delete after a soft delete answers every version', () => {
    expect(planSubjectDeletion('s', softDeleted, true)).toEqual([1, 2]);
  });

  it.each([
    ['an unknown subject', [], false, 40401],
    ['a subject soft-deleted twice', softDeleted, false, 40404],
    ['a permanent delete before the soft delete', live, true, 40405],
  ])('when deleting %s, it is refused (%s)', (_what, rows, permanent, code) => {
    expect(errorCodeOf(() => planSubjectDeletion('s', rows, permanent))).toBe(code);
  });

  it('deletes one version, latest meaning the latest live one', () => {
    expect(planVersionDeletion('s', live, 1, false)).toBe(1);
    expect(planVersionDeletion('s', [row(1, 1), row(2, 2, true)], 'latest', false)).toBe(1);
    expect(planVersionDeletion('s', [row(1, 1, true)], 1, true)).toBe(1);
  });

  it.each([
    ['of an unknown subject', [], 1, false, 40401],
    ['that does not exist', live, 5, false, 40402],
    ['that was already soft-deleted', [row(1, 1, true)], 1, false, 40406],
    ['permanently before the soft delete', live, 1, true, 40407],
  ])('when deleting a version %s, it is refused', (_what, rows, version, permanent, code) => {
    expect(errorCodeOf(() => planVersionDeletion('s', rows, version, permanent))).toBe(code);
  });
});

describe('versions a compatibility check runs against', () => {
  const rows = [row(1, 1), row(2, 2), row(3, 3, true)];

  it('latest is the latest live version; a new subject has none', () => {
    expect(versionsToCheck('s', rows, 'latest').map((r) => r.version)).toEqual([2]);
    expect(versionsToCheck('s', [], 'latest')).toEqual([]);
  });

  it('without a version, every live version', () => {
    expect(versionsToCheck('s', rows, 'all').map((r) => r.version)).toEqual([1, 2]);
  });

  it('a named version must exist', () => {
    expect(versionsToCheck('s', rows, 1).map((r) => r.version)).toEqual([1]);
    expect(errorCodeOf(() => versionsToCheck('s', rows, 3))).toBe(40402);
    expect(errorCodeOf(() => versionsToCheck('s', [], 1))).toBe(40401);
  });
});

describe('request parsing', () => {
  it.each([
    ['latest', 'latest'],
    ['-1', 'latest'],
    ['1', 1],
    ['2147483647', 2147483647],
  ])('version %s is %s', (raw, expected) => {
    expect(parseVersionId(raw)).toBe(expected);
  });

  it.each(['0', '-2', 'abc', '1.5', '2147483648', ''])('version "%s" is refused (42202)', (raw) => {
    expect(errorCodeOf(() => parseVersionId(raw))).toBe(42202);
  });

  it('schema ids are positive integers', () => {
    expect(parseSchemaId('7')).toBe(7);
    expect(parseSchemaId('0')).toBeUndefined();
    expect(parseSchemaId('x')).toBeUndefined();
  });

  it('compatibility levels are read case-insensitively and answered upper-case', () => {
    expect(parseCompatibilityRequest({ compatibility: 'full_transitive' })).toBe('FULL_TRANSITIVE');
    expect(parseCompatibilityRequest({ compatibility: 'NONE' })).toBe('NONE');
  });

  it.each([{ compatibility: 'SIDEWAYS' }, { compatibility: 3 }, {}, undefined])(
    'compatibility body %j is refused (42203)',
    (body) => {
      expect(errorCodeOf(() => parseCompatibilityRequest(body))).toBe(42203);
    },
  );
});

describe('error answers', () => {
  it('a registry error is answered with its status, error_code and message', () => {
    expect(toConfluentError(registryError(40401, "Subject 'x' not found."))).toEqual({
      status: 404,
      body: { error_code: 40401, message: "Subject 'x' not found." },
    });
    expect(toConfluentError(registryError(42201, 'bad'))?.status).toBe(422);
    expect(toConfluentError(registryError(409, 'no'))?.status).toBe(409);
  });

  it('any other error is not a registry answer', () => {
    expect(toConfluentError(new Error('boom'))).toBeUndefined();
    expect(toConfluentError(new HarkError('HARK_DB_UNAVAILABLE'))).toBeUndefined();
  });
});
