import { createHash, timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';
import { HarkError, isHarkError, type ErrorCode } from '@hark/errors';
import type { OpsServer } from '@hark/observability';
import type { Logger } from 'pino';
import { correctionProblems } from '../domain/restatement.ts';
import { INTENTS } from '../domain/aggregate-mentions.ts';
import type { CorrectionRequest, CorrectionsStore } from './corrections-store.ts';
import type { RollupMetrics } from './rollup-metrics.ts';

type App = OpsServer['app'];

export interface CorrectionsApiDeps {
  store: CorrectionsStore;
  /** `principal:key` or a bare key (the request must then name `correctedBy`). */
  apiKeys: readonly string[];
  /** False until migrations ran: the API answers 503 meanwhile. */
  isStarted: () => boolean;
  metrics: RollupMetrics;
  logger: Logger;
}

const MAX_BATCH = 1000;
const EXPORT_PAGE = 500;

const who = { type: 'string', minLength: 1, maxLength: 128 } as const;
const correction = {
  type: 'object',
  additionalProperties: false,
  required: ['mentionId', 'reason'],
  properties: {
    mentionId: { type: 'string', minLength: 1, maxLength: 512 },
    sentiment: { type: ['string', 'null'], enum: ['positive', 'neutral', 'negative', null] },
    sentimentScore: { type: ['number', 'null'], minimum: -1, maximum: 1 },
    intent: { type: ['string', 'null'], enum: [...INTENTS, null] },
    reason: { type: 'string', minLength: 1, maxLength: 2000 },
    correctedBy: who,
  },
} as const;
const body = {
  type: 'object',
  additionalProperties: false,
  required: ['corrections'],
  properties: {
    corrections: { type: 'array', minItems: 1, maxItems: MAX_BATCH, items: correction },
    correctedBy: who,
  },
} as const;
const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    since: { type: 'string', maxLength: 40 },
    after: { type: 'string', pattern: '^[0-9]{1,19}$' },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  },
} as const;

const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  HARK_ROLLUP_API_UNAUTHORIZED: 401,
  HARK_ROLLUP_API_BAD_REQUEST: 400,
  HARK_ROLLUP_MENTION_NOT_FOUND: 404,
  HARK_DB_UNAVAILABLE: 503,
};

interface CorrectionBody {
  corrections: (CorrectionRequest & { correctedBy?: string })[];
  correctedBy?: string;
}

/**
 * The corrections API under /v1 on the ops server (port OPS_PORT): analysts
 * set the sentiment and/or intent of mentions; each correction is stored
 * with who and why and restates the rollups in the same transaction; the
 * history can be listed and the corrections exported as labeled data.
 * Every route needs `Authorization: Bearer <key>`; errors answer
 * `{ code, message, statusCode }`.
 */
export async function registerCorrectionsApi(app: App, deps: CorrectionsApiDeps): Promise<void> {
  const keys = deps.apiKeys.map((entry) => {
    const i = entry.indexOf(':');
    const principal = i > 0 ? entry.slice(0, i) : null;
    return { principal, digest: digest(principal ? entry.slice(i + 1) : entry) };
  });
  const log = deps.logger.child({ component: 'corrections-api' });
  const principals = new WeakMap<object, { principal: string | null }>();

  await app.register(
    async (api) => {
      api.setErrorHandler((err, _req, reply) => {
        if (isHarkError(err)) {
          const statusCode = STATUS_OF[err.code] ?? (err.retriable ? 503 : 500);
          if (statusCode >= 500) log.error({ err }, 'request failed');
          const problems = err.context.problems;
          return reply.code(statusCode).send({
            code: err.code,
            message: err.message,
            statusCode,
            ...(problems ? { problems } : {}),
          });
        }
        const e = err as { validation?: unknown; statusCode?: number; message: string };
        if (e.validation || (e.statusCode && e.statusCode >= 400 && e.statusCode < 500)) {
          const statusCode = e.validation ? 400 : e.statusCode!;
          return reply
            .code(statusCode)
            .send({ code: 'HARK_ROLLUP_API_BAD_REQUEST', message: e.message, statusCode });
        }
        log.error({ err }, 'request failed');
        return reply
          .code(500)
          .send({ code: 'HARK_ROLLUP_API_FAILED', message: 'internal error', statusCode: 500 });
      });

      api.addHook('onRequest', async (req, reply) => {
        const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
        const given = m ? digest(m[1]!) : null;
        const key = given ? keys.find((k) => timingSafeEqual(k.digest, given)) : undefined;
        if (!key) {
          reply.header('www-authenticate', 'Bearer');
          throw new HarkError(
            'HARK_ROLLUP_API_UNAUTHORIZED',
            keys.length === 0
              ? 'the corrections API is closed: set ROLLUP_API_KEYS'
              : 'send Authorization: Bearer <a ROLLUP_API_KEYS key>',
          );
        }
        if (!deps.isStarted()) {
          reply.header('retry-after', '5');
          throw new HarkError('HARK_DB_UNAVAILABLE', 'the service is still starting; retry');
        }
        principals.set(req, { principal: key.principal });
      });

      api.post<{ Body: CorrectionBody }>(
        '/corrections',
        { schema: { body } },
        async (req, reply) => {
          const principal = principals.get(req)?.principal ?? null;
          const problems: string[] = [];
          const items = req.body.corrections.map((c, index) => {
            for (const p of correctionProblems(c)) problems.push(`/corrections/${index}/${p}`);
            const by = principal ?? c.correctedBy ?? req.body.correctedBy;
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
          // One transaction per author of the corrections: `who` is per correction row.
          const results = [];
          for (const [by, group] of groupBy(items, (i) => i.by)) {
            const out = await deps.store.correct(
              group.map(({ by: _by, correctedBy: _c, ...c }) => c),
              by,
            );
            results.push(...out.map((o, i) => ({ index: group[i]!.index, ...o })));
          }
          results.sort((a, b) => a.index - b.index);
          const applied = results.filter((r) => r.status === 'applied').length;
          deps.metrics.corrections.inc(applied);
          if (applied > 0) deps.metrics.restated.inc({ cause: 'correction' }, applied);
          log.info({ applied, notFound: results.length - applied }, 'corrections stored');
          const answered = results.map(({ index, ...r }) =>
            r.status === 'applied'
              ? { index, ...r, statusCode: 200 }
              : {
                  index,
                  mentionId: r.mentionId,
                  status: r.status,
                  statusCode: 404,
                  code: 'HARK_ROLLUP_MENTION_NOT_FOUND',
                  message: `no counted mention ${r.mentionId} (unknown, deleted, erased or past RETENTION)`,
                },
          );
          return reply
            .code(applied === results.length ? 200 : applied === 0 ? 404 : 207)
            .send({ applied, results: answered });
        },
      );

      api.get<{ Querystring: { since?: string; after?: string; limit: number } }>(
        '/corrections',
        { schema: { querystring: listQuery } },
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
            querystring: {
              type: 'object',
              additionalProperties: false,
              properties: { since: listQuery.properties.since },
            },
          },
        },
        async (req, reply) => {
          const since = parseSince(req.query.since);
          const store = deps.store;
          // Pages by correction id, streamed: the export never holds all of it, nor a cursor open.
          async function* lines() {
            let after: string | undefined;
            for (;;) {
              const page = await store.exportPage({ since, after, limit: EXPORT_PAGE });
              if (page.length > 0) yield page.map((row) => `${JSON.stringify(row)}\n`).join('');
              if (page.length < EXPORT_PAGE) return;
              after = page.at(-1)!.correctionId;
            }
          }
          // The first page is read before answering, so a database failure is still a clean 503.
          const first = await store.exportPage({ since, limit: EXPORT_PAGE });
          reply.type('application/x-ndjson');
          if (first.length < EXPORT_PAGE) {
            return reply.send(first.map((row) => `${JSON.stringify(row)}\n`).join(''));
          }
          return reply.send(Readable.from(lines()));
        },
      );
    },
    { prefix: '/v1' },
  );
}

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

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
