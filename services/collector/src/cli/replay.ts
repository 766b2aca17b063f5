/**
 * hark replay: backfills and demos from a file, through the collector's HTTP
 * API (so replayed posts get exactly the validation, matching and
 * acknowledgement of live ones, and the tool needs no Kafka access).
 *
 *   node --import tsx services/collector/src/cli/replay.ts <file.jsonl|file.csv>
 *        [--url http://127.0.0.1:8080] [--api-key KEY] [--rate N] [--batch 100]
 *        [--concurrency 2] [--format generic] [--json]
 *
 * The API key may come from COLLECTOR_API_KEY instead of --api-key.
 */
import { createReadStream, statSync } from 'node:fs';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { parse as parseCsv } from 'csv-parse';
import { csvRowToPost, mapCsvHeaders } from '../domain/csv-rows.ts';
import { emptySummary, formatSummary, type ReplaySummary } from '../domain/replay-summary.ts';
import { createPacedPool } from './paced-pool.ts';
import { createReplayClient, type Batch } from './replay-client.ts';

export interface ReplayOptions {
  file: string;
  url: string;
  apiKey: string;
  /** Items per second; 0 for as fast as the collector answers. */
  rate: number;
  batchSize: number;
  concurrency: number;
  /** Payload format of each line (`generic`, or a platform's native items). */
  format: string;
  maxAttempts?: number;
}

export type { ReplaySummary } from '../domain/replay-summary.ts';
export { formatSummary } from '../domain/replay-summary.ts';

export interface ReplayIo {
  stderr: NodeJS.WriteStream | NodeJS.WritableStream;
  isTty: boolean;
  fetch?: typeof fetch;
}

/** Reads the file in batches, posts them, and counts what the collector answered. */
export async function runReplay(opts: ReplayOptions, io: ReplayIo): Promise<ReplaySummary> {
  const started = Date.now();
  const summary = emptySummary(opts.file);
  const progress = createProgress(io, statSync(opts.file).size, summary, started);
  const client = createReplayClient(
    { ...opts, maxAttempts: opts.maxAttempts ?? 8, fetch: io.fetch ?? fetch, stderr: io.stderr },
    summary,
  );
  const pool = createPacedPool({ ...opts, started, onSettled: () => progress.update() });
  const records = countedRecords(readRecords(opts.file, io), (bytes) => {
    summary.read++;
    progress.read(bytes);
  });
  for await (const batch of batchesOf(records, opts.batchSize)) {
    await pool.run(batch.lines.length, () => client.post(batch));
  }
  await pool.drain();
  progress.stop();
  pool.rethrow();
  summary.elapsedMs = Date.now() - started;
  return summary;
}

type FileRecord = { json: string; line: number; bytes: number };

async function* countedRecords(
  records: AsyncIterable<FileRecord>,
  onRecord: (bytes: number) => void,
): AsyncGenerator<FileRecord> {
  for await (const record of records) {
    onRecord(record.bytes);
    yield record;
  }
}

async function* batchesOf(records: AsyncIterable<FileRecord>, size: number): AsyncGenerator<Batch> {
  let batch: Batch = { lines: [], fileLines: [] };
  for await (const record of records) {
    batch.lines.push(record.json);
    batch.fileLines.push(record.line);
    if (batch.lines.length >= size) {
      yield batch;
      batch = { lines: [], fileLines: [] };
    }
  }
  if (batch.lines.length > 0) yield batch;
}

/** Each record as one NDJSON line, with its 1-based line in the file. */
async function* readRecords(file: string, io: ReplayIo): AsyncGenerator<FileRecord> {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') {
    const parser = createReadStream(file).pipe(
      parseCsv({
        bom: true,
        relax_column_count: true,
        skip_empty_lines: true,
        info: true,
        trim: false,
      }),
    );
    let paths: (string | null)[] | undefined;
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number; bytes: number };
    }>) {
      if (!paths) {
        const mapped = mapCsvHeaders(record);
        paths = mapped.paths;
        if (mapped.unknown.length > 0)
          io.stderr.write(`replay: ignoring unknown CSV columns: ${mapped.unknown.join(', ')}\n`);
        continue;
      }
      yield {
        json: JSON.stringify(csvRowToPost(record, paths)),
        line: info.lines,
        bytes: info.bytes,
      };
    }
    return;
  }
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let line = 0;
  let bytes = 0;
  for await (const raw of lines) {
    line++;
    bytes += Buffer.byteLength(raw) + 1;
    const trimmed = raw.trim();
    if (trimmed === '') continue;
    yield { json: trimmed, line, bytes };
  }
}

function createProgress(io: ReplayIo, totalBytes: number, summary: ReplaySummary, started: number) {
  let bytesRead = 0;
  if (io.isTty) {
    const bar = new cliProgress.SingleBar(
      {
        stream: io.stderr as NodeJS.WriteStream,
        format:
          'replay [{bar}] {percentage}% | {read} read | {accepted} accepted | {rejected} rejected | {rate}/s',
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(Math.max(totalBytes, 1), 0, { read: 0, accepted: 0, rejected: 0, rate: 0 });
    const payload = () => ({
      read: summary.read,
      accepted: summary.accepted,
      rejected: summary.rejected,
      rate: Math.round(summary.read / Math.max(0.001, (Date.now() - started) / 1000)),
    });
    return {
      read: (bytes: number) => {
        bytesRead = bytes;
      },
      update: () => bar.update(bytesRead, payload()),
      stop: () => {
        bar.update(totalBytes, payload());
        bar.stop();
      },
    };
  }
  // Not a terminal (CI, a log file): a plain line every few seconds instead of a redrawn bar.
  let last = Date.now();
  const line = () =>
    io.stderr.write(
      `replay: ${summary.read} read, ${summary.accepted} accepted, ${summary.unmatched} unmatched, ${summary.rejected} rejected, ${summary.failed} failed (${Math.round((bytesRead / Math.max(totalBytes, 1)) * 100)}%)\n`,
    );
  return {
    read: (bytes: number) => {
      bytesRead = bytes;
    },
    update: () => {
      if (Date.now() - last >= 2000) {
        last = Date.now();
        line();
      }
    },
    stop: () => undefined,
  };
}

const USAGE = `usage: replay <file.jsonl|file.csv> [--url http://127.0.0.1:8080] [--api-key KEY] [--rate N] [--batch 100] [--concurrency 2] [--format generic] [--json]`;

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string', default: process.env.COLLECTOR_URL ?? 'http://127.0.0.1:8080' },
        'api-key': { type: 'string' },
        rate: { type: 'string', default: '0' },
        batch: { type: 'string', default: '100' },
        concurrency: { type: 'string', default: '2' },
        format: { type: 'string', default: 'generic' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const apiKey = values['api-key'] ?? process.env.COLLECTOR_API_KEY;
  const rate = Number(values.rate);
  const batchSize = Number(values.batch);
  const concurrency = Number(values.concurrency);
  const problems: string[] = [];
  if (positionals.length !== 1) problems.push('give exactly one file');
  else if (!['.jsonl', '.ndjson', '.csv'].includes(extname(positionals[0]!).toLowerCase()))
    problems.push('the file must be .jsonl, .ndjson or .csv');
  if (!apiKey) problems.push('an API key is needed: --api-key or COLLECTOR_API_KEY');
  if (!Number.isFinite(rate) || rate < 0)
    problems.push('--rate must be a number ≥ 0 (items per second; 0 = unlimited)');
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000)
    problems.push('--batch must be 1–10000');
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
    problems.push('--concurrency must be 1–64');
  if (problems.length > 0) {
    process.stderr.write(`${problems.map((p) => `replay: ${p}`).join('\n')}\n${USAGE}\n`);
    return 2;
  }
  try {
    const summary = await runReplay(
      {
        file: positionals[0]!,
        url: values.url!,
        apiKey: apiKey!,
        rate,
        batchSize,
        concurrency,
        format: values.format!,
      },
      { stderr: process.stderr, isTty: process.stderr.isTTY === true },
    );
    process.stdout.write(
      values.json ? `${JSON.stringify(summary)}\n` : `${formatSummary(summary)}\n`,
    );
    return summary.failed > 0 ? 1 : 0;
  } catch (err) {
    process.stderr.write(`replay: ${(err as Error).message}\n`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
