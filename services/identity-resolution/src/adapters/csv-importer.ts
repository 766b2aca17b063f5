import { createReadStream, statSync } from 'node:fs';
import { Transform } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import type { Pool } from '@hark/db';
import { HarkError } from '@hark/errors';
import { draftFromRecord, mapColumns } from '../domain/csv-columns.ts';
import { validateCustomer, type Customer, type CustomerRejectReason } from '../domain/customer.ts';
import { createCustomerRepository } from './customer-repository.ts';

export interface RowError {
  line: number;
  externalId: string | null;
  field: string;
  reason: CustomerRejectReason;
  message: string;
}

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
  const repo = createCustomerRepository({ pool: deps.pool });
  const batchSize = deps.batchSize ?? 5000;
  let size: number;
  try {
    size = statSync(deps.file).size;
  } catch (err) {
    throw new HarkError(
      'HARK_CRM_IMPORT_FAILED',
      `cannot read ${deps.file}: ${(err as Error).message}`,
      {
        cause: err,
        context: { file: deps.file },
      },
    );
  }
  const summary: ImportSummary = {
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
  const reject = (e: RowError) => {
    summary.rejected++;
    summary.rejectedByReason[e.reason] = (summary.rejectedByReason[e.reason] ?? 0) + 1;
    deps.onRowError?.(e);
  };

  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const parser = parse({
    delimiter: deps.delimiter ?? ',',
    bom: true,
    info: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (err: CsvError | undefined) => {
      if (!err) return undefined;
      summary.read++;
      reject({
        line: Number((err as CsvError & { lines?: number }).lines ?? 0),
        externalId: null,
        field: 'row',
        reason: 'malformed_row',
        message: err.message.replace(/^Invalid Record Length: /, ''),
      });
      return undefined;
    },
  });
  deps.progress?.start(size);

  let targets: ReturnType<typeof mapColumns>['targets'] | null = null;
  let batch = new Map<string, Customer>();
  const flush = async () => {
    if (batch.size === 0) return;
    const outcome = await repo.upsertMany([...batch.values()]);
    summary.inserted += outcome.inserted;
    summary.updated += outcome.updated;
    summary.unchanged += outcome.unchanged;
    batch = new Map();
  };

  const input = createReadStream(deps.file).pipe(counter).pipe(parser);
  try {
    for await (const item of input as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      const { record, info } = item;
      if (!targets) {
        const mapped = mapColumns(record);
        if (mapped.problems.length > 0) {
          throw new HarkError(
            'HARK_CRM_IMPORT_FAILED',
            `${deps.file}: ${mapped.problems.join('; ')}`,
            {
              context: { file: deps.file, header: record },
            },
          );
        }
        targets = mapped.targets;
        summary.unknownColumns = mapped.unknown;
        continue;
      }
      summary.read++;
      if (record.length !== targets.length) {
        reject({
          line: info.lines,
          externalId: null,
          field: 'row',
          reason: 'malformed_row',
          message: `expected ${targets.length} fields, got ${record.length}`,
        });
        continue;
      }
      const v = validateCustomer(draftFromRecord(record, targets));
      if (!v.ok) {
        const externalId =
          record[targets.findIndex((t) => t && 'field' in t && t.field === 'externalId')] ?? null;
        const first = v.problems[0]!;
        reject({
          line: info.lines,
          externalId: externalId || null,
          field: first.field,
          reason: first.reason,
          message: v.problems.map((p) => p.message).join('; '),
        });
        continue;
      }
      if (batch.has(v.customer.externalId)) summary.superseded++;
      batch.set(v.customer.externalId, v.customer);
      if (batch.size >= batchSize) {
        await flush();
        deps.progress?.update(bytes, summary.read);
      }
    }
    await flush();
  } catch (err) {
    if (err instanceof HarkError) throw err;
    throw new HarkError(
      'HARK_CRM_IMPORT_FAILED',
      `import of ${deps.file} stopped: ${(err as Error).message}`,
      {
        cause: err,
        context: { file: deps.file, read: summary.read },
      },
    );
  } finally {
    deps.progress?.update(bytes, summary.read);
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
