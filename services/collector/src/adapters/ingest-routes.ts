import { HarkError } from '@hark/errors';
import type { FastifyInstance } from 'fastify';
import { expandCompliance } from '../domain/compliance/expand-compliance.ts';
import { expandPayload } from '../domain/expand-payload.ts';
import { parseBody } from '../domain/parse-body.ts';
import { charsetOf } from '../domain/platforms/feed-text.ts';
import { complianceSchema, mentionsSchema, signalsSchema } from './api-schemas.ts';
import type { IngestService } from './ingest.ts';
import {
  checkCount,
  header,
  readBody,
  readFormat,
  readSource,
  sendOutcome,
} from './ingest-request.ts';

export interface IngestRoutesDeps {
  ingest: IngestService;
  maxItems: number;
  maxTextLength: number;
}

/** POST /v1/mentions, /v1/compliance and /v1/signals: item batches from API clients. */
export function registerIngestRoutes(app: FastifyInstance, deps: IngestRoutesDeps): void {
  const auth = { auth: true };

  app.post<{ Querystring: { format?: string; platform?: string } }>(
    '/v1/mentions',
    { config: auth, schema: mentionsSchema },
    async (req, reply) => {
      const format = readFormat(req.query.format);
      const source = readSource(req);
      const content = readBody(req, 'mentions');
      const expanded = expandPayload(
        content.format === 'xml' ? content.raw : content.text,
        content.format,
        format,
        {
          platform: req.query.platform,
          maxTextLength: deps.maxTextLength,
          charset: charsetOf(header(req, 'content-type')),
        },
      );
      if (!expanded.ok) throw new HarkError('HARK_INGEST_MALFORMED_BODY', expanded.message);
      checkCount(expanded.entries.length, deps.maxItems);
      const outcome = await deps.ingest.mentions(expanded.entries, {
        source,
        deadLetterRejected: false,
      });
      return sendOutcome(reply, outcome, outcome.accepted + outcome.unmatched);
    },
  );

  app.post<{ Querystring: { format?: string } }>(
    '/v1/compliance',
    { config: auth, schema: complianceSchema },
    async (req, reply) => {
      const format = readFormat(req.query.format);
      const source = readSource(req);
      const content = readBody(req, 'compliance events');
      const expanded = expandCompliance(content.text, content.format, format, {
        maxTextLength: deps.maxTextLength,
      });
      if (!expanded.ok) throw new HarkError('HARK_INGEST_MALFORMED_BODY', expanded.message);
      checkCount(
        expanded.compliance.length + expanded.posts.length,
        deps.maxItems,
        expanded.ignored,
      );
      // Edited posts first: a consumer that sees post_edited can then find the new revision.
      const mentions =
        expanded.posts.length > 0
          ? await deps.ingest.mentions(expanded.posts, { source, deadLetterRejected: false })
          : undefined;
      const outcome = await deps.ingest.compliance(expanded.compliance, {
        source,
        deadLetterRejected: false,
      });
      const body = { ...outcome, ignored: expanded.ignored, ...(mentions ? { mentions } : {}) };
      const posted = mentions ? mentions.accepted + mentions.unmatched : 0;
      return sendOutcome(reply, body, outcome.accepted + expanded.ignored + posted);
    },
  );

  app.post('/v1/signals', { config: auth, schema: signalsSchema }, async (req, reply) => {
    const content = readBody(req, 'signals');
    if (content.format === 'xml')
      throw new HarkError('HARK_INGEST_UNSUPPORTED_MEDIA_TYPE', 'signals are JSON or NDJSON');
    const parsed = parseBody(content.text, content.format);
    if (!parsed.ok) throw new HarkError('HARK_INGEST_MALFORMED_BODY', parsed.message);
    checkCount(parsed.records.length, deps.maxItems);
    const source = readSource(req);
    const outcome = await deps.ingest.signals(parsed.records, {
      kind: source.kind,
      defaultSource: source.name,
    });
    return sendOutcome(reply, outcome, outcome.accepted);
  });
}
