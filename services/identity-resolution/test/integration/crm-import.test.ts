import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createPool, migrate, type Pool } from '@hark/db';
import { createLogger } from '@hark/observability';
import { createTestDatabase } from '@hark/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCustomersCsv, type RowError } from '../../src/adapters/csv-importer.ts';
import { MIGRATIONS_DIR, SERVICE } from '../../src/schema.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/customers.csv', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const logger = createLogger({ service: 'crm-import-test', level: 'silent' });
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
const dir = mkdtempSync(join(tmpdir(), 'hark-crm-'));

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ url: db.url, logger });
  await migrate({ pool, scope: SERVICE, dir: MIGRATIONS_DIR, logger });
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

async function run(file: string) {
  const errors: RowError[] = [];
  const summary = await importCustomersCsv({
    file,
    pool,
    batchSize: 3,
    onRowError: (e) => errors.push(e),
  });
  return { summary, errors };
}

describe('hark crm import', () => {
  it('imports valid rows, reports each bad row with its line number and reason, and goes on', async () => {
    const { summary, errors } = await run(FIXTURE);
    expect(summary).toMatchObject({ read: 10, inserted: 6, updated: 0, unchanged: 0, rejected: 4 });
    expect(summary.rejectedByReason).toEqual({
      missing_external_id: 1,
      invalid_email: 1,
      invalid_value: 1,
      malformed_row: 1,
    });
    expect(
      errors.map((e) => [e.line, e.reason]).sort((a, b) => Number(a[0]) - Number(b[0])),
    ).toEqual([
      [8, 'missing_external_id'],
      [9, 'invalid_email'],
      [10, 'invalid_value'],
      [11, 'malformed_row'],
    ]);
    expect(errors.find((e) => e.line === 9)).toMatchObject({
      externalId: 'CRM-008',
      field: 'emails',
    });
    const { rows } = await pool.query(
      `select external_id, emails, phones, handles, tier, value from customers where external_id = 'CRM-002'`,
    );
    expect(rows[0]).toEqual({
      external_id: 'CRM-002',
      emails: [],
      phones: [],
      handles: [
        { platform: 'x', handle: 'bzywicki' },
        { platform: 'instagram', handle: 'bob.zywicki' },
      ],
      tier: 'silver',
      value: 800,
    });
  });

  it('re-importing the same file changes nothing; a changed row updates its customer', async () => {
    const again = await run(FIXTURE);
    expect(again.summary).toMatchObject({ inserted: 0, updated: 0, unchanged: 6, rejected: 4 });

    const changed = join(dir, 'changed.csv');
    writeFileSync(
      changed,
      readFileSync(FIXTURE, 'utf8').replace(
        'CRM-004,Anders,Lindqvist,,,,Gothenburg',
        'CRM-004,Anders,Lindqvist,,,,Malmo',
      ),
    );
    const after = await run(changed);
    expect(after.summary).toMatchObject({ inserted: 0, updated: 1, unchanged: 5 });
    const { rows } = await pool.query(
      `select city, updated_at > created_at as touched from customers where external_id = 'CRM-004'`,
    );
    expect(rows[0]).toEqual({ city: 'Malmo', touched: true });
  });

  it('the CLI prints per-row errors and a summary, and exits 3 when rows were rejected', async () => {
    const file = join(dir, 'cli.csv');
    copyFileSync(FIXTURE, file);
    const errorsFile = join(dir, 'rejected.csv');
    const result = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'services/identity-resolution/src/cli/crm-import.ts',
        file,
        '--errors-file',
        errorsFile,
      ],
      { cwd: REPO_ROOT, env: { ...process.env, DATABASE_URL: db.url } },
    ).then(
      (r) => ({ code: 0, ...r }),
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
    expect(result.code).toBe(3);
    // The previous test moved CRM-004 to Malmo; the original file moves it back.
    expect(result.stdout).toMatch(/updated\s+1/);
    expect(result.stdout).toMatch(/unchanged\s+5/);
    expect(result.stdout).toMatch(/rejected\s+4/);
    expect(result.stderr).toContain('line 9 (CRM-008): invalid_email');
    expect(readFileSync(errorsFile, 'utf8').trim().split('\n')).toHaveLength(5);
  });

  it('a file without an external id column is refused as a whole', async () => {
    const file = join(dir, 'no-id.csv');
    writeFileSync(file, 'name,email\nJane Doe,jane@doe.io\n');
    await expect(run(file)).rejects.toMatchObject({ code: 'HARK_CRM_IMPORT_FAILED' });
  });
});

describe('extra CRM columns', () => {
  it('keeps date of birth, postcode, street, website and any other column; a change to one is an update', async () => {
    const file = join(dir, 'extra.csv');
    writeFileSync(
      file,
      'customer_id,first_name,last_name,Date of Birth,ZIP,Street,Website,Shoe Size\n' +
        'X-1,Ada,Byron,1815-12-10,10001,12 Main St,https://www.byron.example/,38\n',
    );
    expect((await run(file)).summary).toMatchObject({ inserted: 1, rejected: 0 });
    const row = await pool.query<{ attributes: Record<string, string> }>(
      `select attributes from customers where external_id = 'X-1'`,
    );
    expect(row.rows[0]!.attributes).toEqual({
      dob: '1815-12-10',
      postcode: '10001',
      street: '12 Main St',
      website: 'https://www.byron.example/',
      shoe_size: '38',
    });
    expect((await run(file)).summary).toMatchObject({ unchanged: 1 });
    writeFileSync(
      file,
      'customer_id,first_name,last_name,Date of Birth,ZIP,Street,Website,Shoe Size\n' +
        'X-1,Ada,Byron,1815-12-10,10002,12 Main St,https://www.byron.example/,38\n',
    );
    expect((await run(file)).summary).toMatchObject({ updated: 1 });
  });
});
