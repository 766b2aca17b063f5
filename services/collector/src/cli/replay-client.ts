import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseRetryAfter } from '../domain/retry-after.ts';
import {
  countAnswer,
  countFailure,
  type ReplayAnswer,
  type ReplaySummary,
} from '../domain/replay-summary.ts';

/** Records of one request, and the file line of each. */
export interface Batch {
  lines: string[];
  fileLines: number[];
}

export interface ReplayClientOptions {
  url: string;
  apiKey: string;
  file: string;
  format: string;
  maxAttempts: number;
  fetch: typeof fetch;
  stderr: NodeJS.WritableStream;
}

type Sent = { res: Response } | { failed: string; err?: Error };

/**
 * Posts batches to the collector and counts its answers into `summary`. A
 * batch is retried while the collector is unreachable or answers 503/429
 * (after its Retry-After); a 413 splits it in halves; a refused API key ends
 * the replay (it throws), any other refusal counts the batch as failed.
 */
export function createReplayClient(opts: ReplayClientOptions, summary: ReplaySummary) {
  const endpoint = new URL('/v1/mentions', opts.url);
  if (opts.format !== 'generic') endpoint.searchParams.set('format', opts.format);
  const sourceName =
    basename(opts.file)
      .replace(/[^\w.@/+-]/g, '_')
      .slice(0, 120) || 'file';

  function fail(batch: Batch, reason: string, err?: Error): void {
    countFailure(summary, batch.lines.length, reason);
    if (err)
      opts.stderr.write(
        `replay: lines ${batch.fileLines[0]}–${batch.fileLines.at(-1)} not delivered (${reason}): ${err.message}\n`,
      );
  }

  /** Sends until the collector answers something other than 503/429, or the attempts run out. */
  async function send(batch: Batch): Promise<Sent> {
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await opts.fetch(endpoint, {
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
        if (attempt >= opts.maxAttempts) return { failed: 'unreachable', err: err as Error };
        await sleep(Math.min(30_000, 500 * 2 ** attempt));
        continue;
      }
      if (res.status !== 503 && res.status !== 429) return { res };
      await res.body?.cancel().catch(() => {});
      if (attempt >= opts.maxAttempts) return { failed: `http_${res.status}` };
      const retryAfter = parseRetryAfter(res.headers.get('retry-after'), Date.now());
      await sleep(Math.min(60_000, retryAfter ?? 1000 * attempt));
    }
  }

  async function post(batch: Batch): Promise<void> {
    const sent = await send(batch);
    if ('failed' in sent) return fail(batch, sent.failed, sent.err);
    const { res } = sent;
    if (res.status === 413 && batch.lines.length > 1) {
      await res.body?.cancel().catch(() => {});
      for (const half of halves(batch)) await post(half);
      return;
    }
    const answer = (await res.json().catch(() => ({}))) as ReplayAnswer;
    if (res.status === 401)
      throw new Error(`the collector refused the API key: ${answer.message ?? res.status}`);
    if (res.status !== 202 && res.status !== 207 && res.status !== 400)
      return fail(batch, `http_${res.status}`, new Error(answer.message ?? res.statusText));
    if (answer.errors === undefined)
      return fail(batch, `http_${res.status}`, new Error(answer.message ?? 'unexpected answer'));
    countAnswer(summary, answer, batch.fileLines);
  }

  return { post };
}

function halves(batch: Batch): Batch[] {
  const half = Math.ceil(batch.lines.length / 2);
  return [
    { lines: batch.lines.slice(0, half), fileLines: batch.fileLines.slice(0, half) },
    { lines: batch.lines.slice(half), fileLines: batch.fileLines.slice(half) },
  ];
}
