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
import { basename, extname } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { parse as parseCsv } from 'csv-parse';
import { csvRowToPost, mapCsvHeaders } from '../domain/csv-rows.ts';
import { parseRetryAfter } from '../domain/retry-after.ts';

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

export interface ReplaySummary {
  file: string;
  /** Records read from the file (non-blank lines, CSV rows). */
  read: number;
  /** Durable in Kafka. */
  accepted: number;
  /** Valid, named no tracked brand, not forwarded. */
  unmatched: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  /** Records whose batch never got an answer (collector down, retries exhausted). */
  failed: number;
  failedByReason: Record<string, number>;
  elapsedMs: number;
  /** The first rejections, with the file line. */
  samples: { line: number; path: string; reason: string; message: string }[];
}

interface Batch {
  lines: string[];
  fileLines: number[];
}

interface ItemErrorBody {
  index: number;
  path: string;
  reason: string;
  message: string;
}

interface OutcomeBody {
  accepted?: number;
  unmatched?: number;
  rejected?: number;
  errors?: ItemErrorBody[];
  message?: string;
}

export interface ReplayIo {
  stderr: NodeJS.WriteStream | NodeJS.WritableStream;
  isTty: boolean;
  fetch?: typeof fetch;
}

const MAX_SAMPLES = 10;

/** Reads the file in batches, posts them, and counts what the collector answered. */
export async function runReplay(opts: ReplayOptions, io: ReplayIo): Promise<ReplaySummary> {
  const doFetch = io.fetch ?? fetch;
  const summary: ReplaySummary = {
    file: opts.file,
    read: 0,
    accepted: 0,
    unmatched: 0,
    rejected: 0,
    rejectedByReason: {},
    failed: 0,
    failedByReason: {},
    elapsedMs: 0,
    samples: [],
  };
  const started = Date.now();
  const totalBytes = statSync(opts.file).size;
  const progress = createProgress(io, totalBytes, summary, started);
  const endpoint = new URL('/v1/mentions', opts.url);
  if (opts.format !== 'generic') endpoint.searchParams.set('format', opts.format);
  const sourceName =
    basename(opts.file)
      .replace(/[^\w.@/+-]/g, '_')
      .slice(0, 120) || 'file';
  const maxAttempts = opts.maxAttempts ?? 8;
  let sentItems = 0;
  const inFlight = new Set<Promise<void>>();

  const add = (counts: Record<string, number>, key: string, n = 1) => {
    counts[key] = (counts[key] ?? 0) + n;
  };

  async function post(batch: Batch): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await doFetch(endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-ndjson',
            authorization: `Bearer ${opts.apiKey}`,
            'x-hark-source': `replay:${sourceName}`,
          },
          body: batch.lines.join('\n'),
          signal: AbortSignal.timeout(60_000),
        });
      } catch (err) {
        if (attempt >= maxAttempts) return fail(batch, 'unreachable', err as Error);
        await sleep(Math.min(30_000, 500 * 2 ** attempt));
        continue;
      }
      if (res.status === 503 || res.status === 429) {
        await res.body?.cancel().catch(() => {});
        if (attempt >= maxAttempts) return fail(batch, `http_${res.status}`);
        await sleep(
          Math.min(
            60_000,
            parseRetryAfter(res.headers.get('retry-after'), Date.now()) ?? 1000 * attempt,
          ),
        );
        continue;
      }
      if (res.status === 413 && batch.lines.length > 1) {
        await res.body?.cancel().catch(() => {});
        const half = Math.ceil(batch.lines.length / 2);
        await post({
          lines: batch.lines.slice(0, half),
          fileLines: batch.fileLines.slice(0, half),
        });
        await post({ lines: batch.lines.slice(half), fileLines: batch.fileLines.slice(half) });
        return;
      }
      let body: OutcomeBody;
      try {
        body = (await res.json()) as OutcomeBody;
      } catch {
        body = {};
      }
      if (res.status === 401)
        throw new Error(`the collector refused the API key: ${body.message ?? res.status}`);
      if (res.status !== 202 && res.status !== 207 && res.status !== 400) {
        return fail(batch, `http_${res.status}`, new Error(body.message ?? res.statusText));
      }
      if (body.errors === undefined)
        return fail(batch, `http_${res.status}`, new Error(body.message ?? 'unexpected answer'));
      summary.accepted += body.accepted ?? 0;
      summary.unmatched += body.unmatched ?? 0;
      summary.rejected += body.rejected ?? 0;
      const counted = new Set<number>();
      for (const e of body.errors) {
        // Items with several bad fields count once, under their first reason (as the collector's metric does).
        if (!counted.has(e.index)) {
          counted.add(e.index);
          add(summary.rejectedByReason, e.reason);
        }
        if (summary.samples.length < MAX_SAMPLES) {
          summary.samples.push({
            line: batch.fileLines[e.index] ?? -1,
            path: e.path,
            reason: e.reason,
            message: e.message,
          });
        }
      }
      return;
    }
  }

  function fail(batch: Batch, reason: string, err?: Error): void {
    summary.failed += batch.lines.length;
    add(summary.failedByReason, reason, batch.lines.length);
    if (err)
      io.stderr.write(
        `replay: lines ${batch.fileLines[0]}–${batch.fileLines.at(-1)} not delivered (${reason}): ${err.message}\n`,
      );
  }

  let fatal: Error | undefined;
  async function dispatch(batch: Batch): Promise<void> {
    if (opts.rate > 0) {
      const due = started + (sentItems / opts.rate) * 1000;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
    }
    sentItems += batch.lines.length;
    while (inFlight.size >= opts.concurrency) await Promise.race(inFlight);
    if (fatal) throw fatal;
    const p = post(batch)
      .catch((err: Error) => {
        fatal ??= err;
      })
      .finally(() => {
        inFlight.delete(p);
        progress.update();
      });
    inFlight.add(p);
  }

  let batch: Batch = { lines: [], fileLines: [] };
  for await (const record of readRecords(opts.file, io)) {
    summary.read++;
    progress.read(record.bytes);
    batch.lines.push(record.json);
    batch.fileLines.push(record.line);
    if (batch.lines.length >= opts.batchSize) {
      await dispatch(batch);
      batch = { lines: [], fileLines: [] };
    }
  }
  if (batch.lines.length > 0) await dispatch(batch);
  await Promise.all(inFlight);
  progress.stop();
  if (fatal) throw fatal;
  summary.elapsedMs = Date.now() - started;
  return summary;
}

/** Each record as one NDJSON line, with its 1-based line in the file. */
async function* readRecords(
  file: string,
  io: ReplayIo,
): AsyncGenerator<{ json: string; line: number; bytes: number }> {
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

export function formatSummary(s: ReplaySummary): string {
  const reasons = (counts: Record<string, number>) =>
    Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .map(([r, n]) => `    ${r.padEnd(22)} ${n}`)
      .join('\n');
  const seconds = s.elapsedMs / 1000;
  const lines = [
    `replayed ${s.file} in ${seconds.toFixed(1)} s (${Math.round(s.read / Math.max(seconds, 0.001))} records/s)`,
    `  read       ${s.read}`,
    `  accepted   ${s.accepted}`,
    `  unmatched  ${s.unmatched}   (valid, no tracked brand: not forwarded)`,
    `  rejected   ${s.rejected}`,
  ];
  if (s.rejected > 0) lines.push(reasons(s.rejectedByReason));
  if (s.failed > 0)
    lines.push(`  failed     ${s.failed}   (not delivered)`, reasons(s.failedByReason));
  if (s.samples.length > 0) {
    lines.push('  first rejections:');
    for (const x of s.samples)
      lines.push(`    line ${x.line}: ${x.path || '(item)'}: ${x.reason}: ${x.message}`);
  }
  return lines.join('\n');
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
