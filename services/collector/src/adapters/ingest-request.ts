import type { Source, SourceKind } from '@hark/events';
import { HarkError } from '@hark/errors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bodyFormat } from '../domain/parse-body.ts';
import { resolveFormat, type FormatName } from '../domain/platforms/index.ts';
import type { ComplianceOutcome, MentionOutcome, SignalOutcome } from './ingest.ts';

/*
 * Reading an ingest request: its format, source, body and item count, each
 * refused with the collector's error codes (the route schemas only document).
 */

const SOURCE_HEADER = /^(http|replay):([\w.@/+-][\w .@/+:-]{0,127})$/;

export type RawBody = { text: string; raw: Buffer; format: 'json' | 'ndjson' | 'xml' };

export function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function readFormat(raw: string | undefined): FormatName {
  if (raw === undefined || raw === '') return 'generic';
  const f = resolveFormat(raw);
  if (!f)
    throw new HarkError(
      'HARK_INGEST_BAD_REQUEST',
      `unknown format "${raw}"; see GET /openapi.json`,
    );
  return f;
}

/** `X-Hark-Source: http:<name>|replay:<name>`, else the API key's name. */
export function readSource(req: FastifyRequest): Source {
  const name = req.principal ?? 'api';
  const raw = header(req, 'x-hark-source');
  if (raw === undefined) return { kind: 'http', name };
  const m = SOURCE_HEADER.exec(raw);
  if (!m)
    throw new HarkError(
      'HARK_INGEST_BAD_REQUEST',
      'X-Hark-Source must be http:<name> or replay:<name>',
    );
  return { kind: m[1] as SourceKind, name: m[2]! };
}

export function readBody(req: FastifyRequest, what: string): RawBody {
  const format = bodyFormat(req.headers['content-type']);
  if (!format) {
    throw new HarkError(
      'HARK_INGEST_UNSUPPORTED_MEDIA_TYPE',
      `Content-Type ${req.headers['content-type']} is not supported for ${what}: use application/json or application/x-ndjson`,
    );
  }
  const raw = rawBody(req);
  if (raw.length === 0) throw new HarkError('HARK_INGEST_MALFORMED_BODY', 'body is empty');
  return { text: raw.toString('utf8'), raw, format };
}

/** The bytes as sent: every content type is parsed as a buffer (see createApiServer). */
export const rawBody = (req: FastifyRequest): Buffer =>
  Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);

export function checkCount(n: number, maxItems: number, ignored = 0): void {
  if (n === 0 && ignored === 0)
    throw new HarkError('HARK_INGEST_MALFORMED_BODY', 'body holds no items');
  if (n > maxItems) {
    throw new HarkError(
      'HARK_INGEST_PAYLOAD_TOO_LARGE',
      `${n} items in one request; the limit is ${maxItems}`,
    );
  }
}

/** 202 when every item was valid, 207 when some were refused, 400 when none was valid. */
export function sendOutcome(
  reply: FastifyReply,
  outcome: MentionOutcome | SignalOutcome | (ComplianceOutcome & { ignored: number }),
  valid: number,
): FastifyReply {
  if (valid === 0) {
    return reply.code(400).send({
      code: 'HARK_INGEST_INVALID',
      message: invalidMessage(outcome),
      statusCode: 400,
      ...outcome,
    });
  }
  return reply.code(outcome.rejected > 0 ? 207 : 202).send(outcome);
}

/**
 * The 400's message names the problems wherever they are: a compliance body's
 * refused posts (an ActivityPub Update's edited note) report under `mentions`.
 */
export function invalidMessage(outcome: {
  errors: readonly { path?: string; message: string }[];
  mentions?: { errors: readonly { path?: string; message: string }[] };
}): string {
  const all = [
    ...outcome.errors.map((e) => ({ e, where: 'errors' })),
    ...(outcome.mentions?.errors ?? []).map((e) => ({ e, where: 'mentions.errors' })),
  ];
  if (all.length === 0) return 'no item was valid: the body held nothing to accept';
  const first = all[0]!;
  const where = [...new Set(all.map((a) => a.where))].join(' and ');
  const path = first.e.path ? `${first.e.path}: ` : '';
  return `no item was valid: ${all.length} problem(s), listed in ${where}; the first: ${path}${first.e.message}`;
}
