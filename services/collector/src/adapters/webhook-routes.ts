import type { Source } from '@hark/events';
import { HarkError } from '@hark/errors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import {
  expandCompliance,
  type ExpandedCompliance,
} from '../domain/compliance/expand-compliance.ts';
import { expandPayload, type ExpandedPayload } from '../domain/expand-payload.ts';
import { charsetOf } from '../domain/platforms/feed-text.ts';
import type { WebhookSource } from '../domain/sources-config.ts';
import {
  decideHubVerification,
  handshakeKind,
  isCrcToken,
  looksLikeCrcToken,
} from '../domain/webhook-handshake.ts';
import {
  crcResponseToken,
  secretsEqual,
  verifyHubSignature,
  verifySignature,
} from '../domain/webhook-signature.ts';
import { webhookDeliverySchema, webhookHandshakeSchema } from './api-schemas.ts';
import type { ComplianceOutcome, IngestService } from './ingest.ts';
import { checkCount, header, rawBody, readBody, type RawBody } from './ingest-request.ts';

export interface WebhookRoutesDeps {
  ingest: IngestService;
  webhooks: readonly WebhookSource[];
  maxItems: number;
  maxTextLength: number;
  log: Logger;
}

type SourceParams = { Params: { source: string } };

/** POST /v1/webhooks/:source (signed deliveries) and GET (the platform's subscription handshake). */
export function registerWebhookRoutes(app: FastifyInstance, deps: WebhookRoutesDeps): void {
  const webhooks = new Map(deps.webhooks.map((w) => [w.source, w]));
  const hookOf = (source: string): WebhookSource => {
    const hook = webhooks.get(source);
    if (!hook) throw new HarkError('HARK_WEBHOOK_UNKNOWN_SOURCE', `no webhook source "${source}"`);
    return hook;
  };

  app.post<SourceParams>(
    '/v1/webhooks/:source',
    { schema: webhookDeliverySchema },
    async (req, reply) => {
      const hook = hookOf(req.params.source);
      const raw = rawBody(req);
      verifyDelivery(hook, req, raw);
      const source: Source = { kind: 'webhook', name: hook.source };
      const content = readBody(req, 'webhook');
      const { expanded, compliance } = expandDelivery(hook, content, {
        platform: hook.platform,
        maxTextLength: deps.maxTextLength,
        charset: charsetOf(header(req, 'content-type')),
      });
      if (!expanded.ok) {
        // Signed, so it really came from the platform: keep it for a replay after a fix.
        await deps.ingest.deadLetterPayload(
          raw,
          source,
          'HARK_INGEST_MALFORMED_BODY',
          expanded.message,
        );
        throw new HarkError(
          'HARK_INGEST_MALFORMED_BODY',
          `${expanded.message} (kept on the dead-letter topic)`,
        );
      }
      const complianceEntries = compliance?.ok ? compliance.compliance : [];
      const ignored = compliance?.ok ? compliance.ignored : 0;
      checkCount(expanded.entries.length + complianceEntries.length, deps.maxItems, ignored);
      const outcome = await deps.ingest.mentions(expanded.entries, {
        source,
        brand: hook.brand,
        deadLetterRejected: true,
      });
      if (complianceEntries.length === 0 && ignored === 0) return reply.code(202).send(outcome);
      const complianceOutcome: ComplianceOutcome = await deps.ingest.compliance(complianceEntries, {
        source,
        deadLetterRejected: true,
      });
      return reply.code(202).send({ ...outcome, compliance: complianceOutcome, ignored });
    },
  );

  app.get<SourceParams & { Querystring: Record<string, string | undefined> }>(
    '/v1/webhooks/:source',
    { schema: webhookHandshakeSchema },
    async (req, reply) => {
      const hook = hookOf(req.params.source);
      const q = req.query;
      if (handshakeKind(hook.format) === 'crc') {
        const token = q.crc_token;
        if (token === undefined || !isCrcToken(token))
          throw new HarkError(
            'HARK_INGEST_BAD_REQUEST',
            'expected crc_token: 8–128 base64 or base64url characters',
          );
        return { response_token: crcResponseToken(hook.secret, token) };
      }
      if (q['hub.mode'] === undefined)
        throw new HarkError(
          'HARK_INGEST_BAD_REQUEST',
          `source "${hook.source}" answers hub.mode/hub.topic/hub.challenge verifications only`,
        );
      const answer = decideHubVerification(
        {
          mode: q['hub.mode'],
          topic: q['hub.topic'],
          challenge: q['hub.challenge'],
          leaseSeconds: q['hub.lease_seconds'],
          verifyToken: q['hub.verify_token'],
          reason: q['hub.reason'],
        },
        hook,
        secretsEqual,
      );
      if (!answer.ok)
        throw new HarkError(
          answer.status === 403 ? 'HARK_WEBHOOK_HANDSHAKE_REJECTED' : 'HARK_INGEST_BAD_REQUEST',
          answer.message,
          { statusCode: answer.status },
        );
      if (answer.kind === 'denied') {
        deps.log.warn(
          { source: hook.source, reason: answer.reason },
          'hub denied the subscription',
        );
        return reply.code(200).send();
      }
      deps.log.info(
        { source: hook.source, mode: answer.mode, leaseSeconds: answer.leaseSeconds },
        'webhook subscription verified',
      );
      return reply
        .type('text/plain; charset=utf-8')
        .header('x-content-type-options', 'nosniff')
        .send(answer.challenge);
    },
  );
}

/** Refuses a delivery whose signature (over the raw bytes) does not match, before reading it. */
function verifyDelivery(hook: WebhookSource, req: FastifyRequest, raw: Buffer): void {
  // X signs deliveries and answers its CRC check with the same key (the consumer secret),
  // so a body in the CRC token's form could carry a CRC answer as its signature: it is never
  // a delivery, and is refused before its signature is even looked at.
  if (handshakeKind(hook.format) === 'crc' && looksLikeCrcToken(raw)) {
    throw new HarkError(
      'HARK_INGEST_MALFORMED_BODY',
      'body has the form of a CRC token, not of a delivery',
    );
  }
  const hub256 = header(req, 'x-hub-signature-256');
  const hub = header(req, 'x-hub-signature');
  const xSig = header(req, 'x-twitter-webhooks-signature');
  const valid =
    hub256 !== undefined
      ? verifySignature(hook.secret, raw, hub256, 'hex')
      : hub !== undefined
        ? verifyHubSignature(hook.secret, raw, hub)
        : verifySignature(hook.secret, raw, xSig, 'base64');
  if (!valid) {
    throw new HarkError(
      'HARK_WEBHOOK_SIGNATURE_INVALID',
      hub256 === undefined && hub === undefined && xSig === undefined
        ? 'missing X-Hub-Signature-256 header'
        : 'signature does not match the body',
    );
  }
}

/** x, mastodon and bluesky deliveries may carry deletions and edits beside (or instead of) posts. */
function expandDelivery(
  hook: WebhookSource,
  content: RawBody,
  opts: { platform?: string; maxTextLength: number; charset?: string },
): { expanded: ExpandedPayload; compliance?: ExpandedCompliance } {
  const compliance =
    hook.format !== 'generic' && content.format !== 'xml'
      ? expandCompliance(content.text, content.format, hook.format, opts)
      : undefined;
  if (compliance === undefined) {
    const body = content.format === 'xml' ? content.raw : content.text;
    return { expanded: expandPayload(body, content.format, hook.format, opts) };
  }
  return {
    expanded: compliance.ok ? { ok: true, entries: compliance.posts } : compliance,
    compliance,
  };
}
