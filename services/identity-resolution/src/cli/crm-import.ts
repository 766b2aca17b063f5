/**
 * hark crm import <customers.csv>: loads a CRM export into identity-resolution's
 * customers table. Idempotent by external id; safe to re-run. Exit codes:
 * 0 all rows imported, 3 imported with rejected rows, 1 the import failed, 2 bad usage.
 */
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { commonSettings, loadConfigOrExit } from '@hark/config';
import { createPool, migrate } from '@hark/db';
import { isHarkError } from '@hark/errors';
import { createLogger } from '@hark/observability';
import {
  importCustomersCsv,
  type ImportProgress,
  type RowError,
} from '../adapters/csv-importer.ts';
import { MIGRATIONS_DIR, SERVICE } from '../schema.ts';

const USAGE = `usage: hark crm import <customers.csv> [--batch-size N] [--delimiter ,] [--errors-file rejected.csv]

Columns (header names are matched loosely): external_id (required), first_name, last_name,
full_name, email (several separated by ;), phone, company, city, region/state, country, tier,
value/ltv, handles ("x:jdoe;instagram:jane.doe") or per-platform columns such as x_handle.`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'batch-size': { type: 'string', default: '5000' },
    delimiter: { type: 'string', default: ',' },
    'errors-file': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
const file = positionals[0];
const batchSize = Number(values['batch-size']);
if (
  values.help ||
  !file ||
  positionals.length > 1 ||
  !Number.isInteger(batchSize) ||
  batchSize < 1
) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}

const config = loadConfigOrExit({
  databaseUrl: commonSettings.databaseUrl,
  logLevel: commonSettings.logLevel,
});
const logger = createLogger({ service: 'crm-import', level: 'warn', destination: process.stderr });
const pool = createPool({
  url: config.databaseUrl,
  logger,
  max: 2,
  applicationName: 'hark-crm-import',
});

const MAX_PRINTED_ERRORS = 50;
let printed = 0;
const errorsFile = values['errors-file'] ? createWriteStream(values['errors-file']) : null;
errorsFile?.write('line,external_id,field,reason,message\n');
const onRowError = (e: RowError) => {
  errorsFile?.write(
    [e.line, e.externalId ?? '', e.field, e.reason, e.message].map(csvField).join(',') + '\n',
  );
  if (printed++ < MAX_PRINTED_ERRORS) {
    process.stderr.write(
      `line ${e.line}${e.externalId ? ` (${e.externalId})` : ''}: ${e.reason}: ${e.message}\n`,
    );
  }
};

let exitCode = 0;
try {
  await migrate({ pool, scope: SERVICE, dir: MIGRATIONS_DIR, logger });
  const summary = await importCustomersCsv({
    file,
    pool,
    batchSize,
    delimiter: values.delimiter,
    onRowError,
    progress: process.stderr.isTTY ? barProgress() : lineProgress(),
  });
  if (printed > MAX_PRINTED_ERRORS) {
    process.stderr.write(
      `… and ${printed - MAX_PRINTED_ERRORS} more rejected rows${errorsFile ? '' : ' (--errors-file lists all)'}\n`,
    );
  }
  const rate = summary.ms > 0 ? Math.round((summary.read / summary.ms) * 1000) : summary.read;
  console.log(`imported ${file} in ${(summary.ms / 1000).toFixed(1)} s (${rate} rows/s)`);
  console.log(`  read       ${summary.read}`);
  console.log(`  inserted   ${summary.inserted}`);
  console.log(`  updated    ${summary.updated}`);
  console.log(`  unchanged  ${summary.unchanged}`);
  if (summary.superseded > 0)
    console.log(`  superseded ${summary.superseded} (a later row had the same external id)`);
  console.log(`  rejected   ${summary.rejected}`);
  for (const [reason, n] of Object.entries(summary.rejectedByReason))
    console.log(`    ${reason.padEnd(20)} ${n}`);
  if (summary.unknownColumns.length > 0)
    console.log(`  ignored columns: ${summary.unknownColumns.join(', ')}`);
  exitCode = summary.rejected > 0 ? 3 : 0;
} catch (err) {
  console.error(
    `import failed: ${isHarkError(err) ? `${err.code}: ${err.message}` : (err as Error).message}`,
  );
  exitCode = 1;
} finally {
  errorsFile?.end();
  await pool.end();
}
process.exit(exitCode);

function barProgress(): ImportProgress {
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: 'importing |{bar}| {percentage}% | {rows} rows | eta {eta_formatted}',
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    start: (total) => bar.start(Math.max(1, total), 0, { rows: 0 }),
    update: (bytes, rows) => bar.update(bytes, { rows }),
    stop: () => bar.stop(),
  };
}

/** Not a terminal (CI, a pipe): a plain line every few seconds instead of a redrawn bar. */
function lineProgress(): ImportProgress {
  let total = 1;
  let last = Date.now();
  return {
    start: (t) => void (total = Math.max(1, t)),
    update: (bytes, rows) => {
      if (Date.now() - last < 5000) return;
      last = Date.now();
      process.stderr.write(`importing: ${rows} rows, ${Math.round((bytes / total) * 100)}%\n`);
    },
    stop: () => {},
  };
}

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
