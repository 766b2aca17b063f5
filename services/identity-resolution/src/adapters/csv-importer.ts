import { createReadStream, statSync } from 'node:fs';
import { Transform } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import type { Pool } from '@hark/db';
import { HarkError } from '@hark/errors';
import { mapColumns, type ColumnTarget } from '../domain/csv-columns.ts';
import { readCustomerRow, type RowError } from '../domain/csv-rows.ts';
import type { Customer, CustomerRejectReason } from '../domain/customer.ts';
import { createCustomerRepository, type CustomerRepository } from './customer-repository.ts';

export type { RowError } from '../domain/csv-rows.ts';

export interface ImportSummary {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Rows replaced by a later row with the same external id in the same batch. */
  superseded: number;
  rejected: number;
  rejectedByReason: Partial<Record<CustomerRejectReason, number>>;
  unknownColumns: string[];
  ms: number;
}

export interface ImportProgress {
  start(totalBytes: number): void;
  update(bytes: number, rows: number): void;
  stop(): void;
}

/**
 * Streams a CRM CSV export into `customers`: maps the header, validates each
 * row (errors carry the row's line number and go to `onRowError`, the import
 * goes on), and upserts valid rows by external id in batches of one
 * statement each. Re-importing the same file changes nothing; a changed row
 * updates its customer.
 */
export async function importCustomersCsv(deps: {
  file: string;
  pool: Pool;
  batchSize?: number;
  delimiter?: string;
  onRowError?: (e: RowError) => void;
  progress?: ImportProgress;
}): Promise<ImportSummary> {
  const started = Date.now();
  const size = fileSize(deps.file);
  const summary = emptySummary();
  const reject = (e: RowError) => {
    summary.rejected++;
    summary.rejectedByReason[e.reason] = (summary.rejectedByReason[e.reason] ?? 0) + 1;
    deps.onRowError?.(e);
  };
  const csv = openCsv(deps.file, deps.delimiter ?? ',', (e) => {
    summary.read++;
    reject(e);
  });
  deps.progress?.start(size);
  const batch = createUpsertBatch(
    createCustomerRepository({ pool: deps.pool }),
    deps.batchSize ?? 5000,
    summary,
  );
  let targets: (ColumnTarget | null)[] | null = null;
  try {
    for await (const { record, info } of csv.records()) {
      if (!targets) {
        targets = headerTargets(deps.file, record, summary);
        continue;
      }
      summary.read++;
      const row = readCustomerRow(record, targets, info.lines);
      if (!row.ok) reject(row.error);
      else if (await batch.add(row.customer)) deps.progress?.update(csv.bytes(), summary.read);
    }
    await batch.flush();
  } catch (err) {
    if (err instanceof HarkError) throw err;
    throw new HarkError(
      'HARK_CRM_IMPORT_FAILED',
      `import of ${deps.file} stopped: ${(err as Error).message}`,
      { cause: err, context: { file: deps.file, read: summary.read } },
    );
  } finally {
    deps.progress?.update(csv.bytes(), summary.read);
    deps.progress?.stop();
  }
  if (!targets) {
    throw new HarkError('HARK_CRM_IMPORT_FAILED', `${deps.file} is empty: expected a header row`, {
      context: { file: deps.file },
    });
  }
  summary.ms = Date.now() - started;
  return summary;
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch (err) {
    throw new HarkError(
      'HARK_CRM_IMPORT_FAILED',
      `cannot read ${file}: ${(err as Error).message}`,
      {
        cause: err,
        context: { file },
      },
    );
  }
}

function emptySummary(): ImportSummary {
  return {
    read: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    superseded: 0,
    rejected: 0,
    rejectedByReason: {},
    unknownColumns: [],
    ms: 0,
  };
}

/**
 * The file's records with their line numbers, and the bytes read so far. A
 * record the parser cannot read (bad quoting, wrong length) is skipped and
 * handed to `onMalformed`.
 */
function openCsv(
  file: string,
  delimiter: string,
  onMalformed: (e: RowError) => void,
): { records(): AsyncIterable<{ record: string[]; info: { lines: number } }>; bytes(): number } {
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const parser = parse({
    delimiter,
    bom: true,
    info: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (err: CsvError | undefined) => {
      if (!err) return undefined;
      onMalformed({
        line: Number((err as CsvError & { lines?: number }).lines ?? 0),
        externalId: null,
        field: 'row',
        reason: 'malformed_row',
        message: err.message.replace(/^Invalid Record Length: /, ''),
      });
      return undefined;
    },
  });
  return {
    records: () => createReadStream(file).pipe(counter).pipe(parser),
    bytes: () => bytes,
  };
}

/** The header's column targets; a header without an external id column stops the import. */
function headerTargets(
  file: string,
  header: string[],
  summary: ImportSummary,
): (ColumnTarget | null)[] {
  const mapped = mapColumns(header);
  if (mapped.problems.length > 0) {
    throw new HarkError('HARK_CRM_IMPORT_FAILED', `${file}: ${mapped.problems.join('; ')}`, {
      context: { file, header },
    });
  }
  summary.unknownColumns = mapped.unknown;
  return mapped.targets;
}

/**
 * Valid rows keyed by external id, upserted in one statement per batch; a
 * later row with the same id replaces the earlier one (counted as superseded).
 */
function createUpsertBatch(
  repo: CustomerRepository,
  batchSize: number,
  summary: ImportSummary,
): { add(c: Customer): Promise<boolean>; flush(): Promise<void> } {
  let batch = new Map<string, Customer>();
  const flush = async () => {
    if (batch.size === 0) return;
    const outcome = await repo.upsertMany([...batch.values()]);
    summary.inserted += outcome.inserted;
    summary.updated += outcome.updated;
    summary.unchanged += outcome.unchanged;
    batch = new Map();
  };
  return {
    /** True when the batch was full and has been written. */
    async add(c) {
      if (batch.has(c.externalId)) summary.superseded++;
      batch.set(c.externalId, c);
      if (batch.size < batchSize) return false;
      await flush();
      return true;
    },
    flush,
  };
}
