import { Readable } from 'node:stream';
import { HarkError } from '@hark/errors';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { correctionProblems } from '../domain/restatement.ts';
import {
  correctResponses,
  correctionsBody,
  exportQuery,
  exportResponses,
  listQuery,
  listResponses,
} from './corrections-api-schemas.ts';
import type {
  CorrectionOutcome,
  CorrectionRequest,
  CorrectionsStore,
} from './corrections-store.ts';
import type { RollupMetrics } from './rollup-metrics.ts';

const EXPORT_PAGE = 500;

interface CorrectionBody {
  corrections: (CorrectionRequest & { correctedBy?: string })[];
  correctedBy?: string;
}

export interface CorrectionRoutesDeps {
  store: CorrectionsStore;
  metrics: RollupMetrics;
  log: Logger;
}

/** POST /corrections (store and restate), GET /corrections (history), GET /corrections/export. */
export function registerCorrectionRoutes(api: FastifyInstance, deps: CorrectionRoutesDeps): void {
  api.post<{ Body: CorrectionBody }>(
    '/corrections',
    {
      schema: {
        summary: 'Set the sentiment and/or intent of mentions; the rollups are restated',
        body: correctionsBody,
        response: correctResponses,
      },
    },
    async (req, reply) => {
      const items = attributed(req.body, req.principal ?? null);
      const results = await correctByAuthor(deps.store, items);
      const applied = results.filter((r) => r.status === 'applied').length;
      deps.metrics.corrections.inc(applied);
      if (applied > 0) deps.metrics.restated.inc({ cause: 'correction' }, applied);
      deps.log.info({ applied, notFound: results.length - applied }, 'corrections stored');
      return reply
        .code(applied === results.length ? 200 : applied === 0 ? 404 : 207)
        .send({ applied, results: results.map(answerOf) });
    },
  );

  api.get<{ Querystring: { since?: string; after?: string; limit: number } }>(
    '/corrections',
    {
      schema: {
        summary: 'The corrections history',
        querystring: listQuery,
        response: listResponses,
      },
    },
    async (req) => {
      const rows = await deps.store.list({
        since: parseSince(req.query.since),
        after: req.query.after,
        limit: req.query.limit,
      });
      const next = rows.length === req.query.limit ? rows.at(-1)!.correctionId : null;
      return { corrections: rows, next };
    },
  );

  api.get<{ Querystring: { since?: string } }>(
    '/corrections/export',
    {
      schema: {
        summary: 'The corrections as labeled data (NDJSON)',
        querystring: exportQuery,
        response: exportResponses,
      },
    },
    async (req, reply) => {
      const since = parseSince(req.query.since);
      // The first page is read before answering, so a database failure is still a clean 503.
      const first = await deps.store.exportPage({ since, limit: EXPORT_PAGE });
      reply.type('application/x-ndjson');
      if (first.length < EXPORT_PAGE) return reply.send(ndjson(first));
      return reply.send(Readable.from(exportPages(deps.store, since)));
    },
  );
}

type Attributed = CorrectionRequest & { correctedBy?: string; by: string };

/**
 * Who made each correction: the key's principal, else the item's or the
 * body's `correctedBy`; every problem of the batch is named at once.
 */
function attributed(body: CorrectionBody, principal: string | null): Attributed[] {
  const problems: string[] = [];
  const items = body.corrections.map((c, index) => {
    for (const p of correctionProblems(c)) problems.push(`/corrections/${index}/${p}`);
    const by = principal ?? c.correctedBy ?? body.correctedBy;
    if (!by)
      problems.push(
        `/corrections/${index}/correctedBy: required with a key that names no principal`,
      );
    return { ...c, by: by ?? '' };
  });
  if (problems.length > 0) {
    throw new HarkError('HARK_ROLLUP_API_BAD_REQUEST', problems.join('; '), {
      context: { problems },
    });
  }
  return items;
}

/** One transaction per author of the corrections (`who` is per correction row), in request order. */
async function correctByAuthor(
  store: CorrectionsStore,
  items: readonly Attributed[],
): Promise<(CorrectionOutcome & { index: number })[]> {
  const results = [];
  for (const [by, group] of groupBy(items, (i) => i.by)) {
    const out = await store.correct(
      group.map(({ by: _by, correctedBy: _c, index: _i, ...c }) => c),
      by,
    );
    results.push(...out.map((o, i) => ({ ...o, index: group[i]!.index })));
  }
  return results.sort((a, b) => a.index - b.index);
}

function answerOf({ index, ...r }: CorrectionOutcome & { index: number }) {
  return r.status === 'applied'
    ? { index, ...r, statusCode: 200 }
    : {
        index,
        mentionId: r.mentionId,
        status: r.status,
        statusCode: 404,
        code: 'HARK_ROLLUP_MENTION_NOT_FOUND',
        message: `no counted mention ${r.mentionId} (unknown, deleted, erased or past RETENTION)`,
      };
}

/** Pages by correction id, streamed: the export never holds all of it, nor a cursor open. */
async function* exportPages(store: CorrectionsStore, since: number) {
  let after: string | undefined;
  for (;;) {
    const page = await store.exportPage({ since, after, limit: EXPORT_PAGE });
    if (page.length > 0) yield ndjson(page);
    if (page.length < EXPORT_PAGE) return;
    after = page.at(-1)!.correctionId;
  }
}

const ndjson = (rows: readonly unknown[]) => rows.map((row) => `${JSON.stringify(row)}\n`).join('');

function parseSince(since: string | undefined): number {
  if (since === undefined || since === '') return 0;
  const ms = /^-?\d+$/.test(since) ? Number(since) : Date.parse(since);
  if (!Number.isSafeInteger(ms)) {
    throw new HarkError(
      'HARK_ROLLUP_API_BAD_REQUEST',
      `querystring/since: must be an ISO-8601 time or epoch milliseconds, got "${since}"`,
    );
  }
  return ms;
}

function groupBy<T>(
  items: readonly T[],
  key: (t: T) => string,
): Map<string, (T & { index: number })[]> {
  const out = new Map<string, (T & { index: number })[]>();
  items.forEach((item, index) => {
    const k = key(item);
    const list = out.get(k) ?? [];
    list.push({ ...item, index });
    out.set(k, list);
  });
  return out;
}
