import { fileURLToPath } from 'node:url';
import type { BrandsConfig } from '@hark/brands';
import type { Pool } from '@hark/db';
import {
  loadSchema,
  valueSubject,
  TOPICS,
  type BrandSignal,
  type ComplianceEvent,
  type DeadLetter,
  type Mention,
} from '@hark/events';
import type { AvroSerde } from '@hark/kafka';
import { instrumentHttp, type HttpLimits } from '@hark/observability';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createCollectorMetrics, type CollectorMetrics } from './adapters/collector-metrics.ts';
import { createCursorStore } from './adapters/cursor-store.ts';
import { createApiServer, type ApiKey } from './adapters/http-api.ts';
import { createIngestService, type IngestService } from './adapters/ingest.ts';
import type { MentionPrivacy } from './adapters/mention-privacy.ts';
import {
  createKafkaPublisher,
  type ProducerLike,
  type Publisher,
} from './adapters/kafka-publisher.ts';
import { createPollerRunner, type PollerRunner } from './adapters/poller-runner.ts';
import { createStreamRunner, type StreamRunner } from './adapters/stream-runner.ts';
import { compileBrandMatcher, type BrandMatcher } from './domain/brand-matcher.ts';
import { NO_SOURCES, type SourcesConfig } from './domain/sources-config.ts';

/** Where the collector's SQL migrations live (scope `collector`). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));

export interface CollectorOptions {
  logger: Logger;
  registry: Registry;
  producer: ProducerLike;
  serde: AvroSerde;
  /** Injectable so tests write to random topics; compliance defaults to TOPICS.compliance. */
  topics: { mentions: string; signals: string; dlq: string; compliance?: string };
  brands: BrandsConfig;
  sources?: SourcesConfig;
  /** Required when sources has pollers (their checkpoints); migrated by the caller. */
  pool?: Pool;
  apiKeys: readonly ApiKey[];
  /** Minimisation and encryption of mentions (main.ts always sets it; see mention-privacy.ts). */
  privacy?: MentionPrivacy;
  limits: {
    bodyLimitBytes: number;
    maxItems: number;
    maxTextLength: number;
    maxFutureSkewMs: number;
    maxAgeMs?: number;
  };
  kafka: { produceTimeoutMs: number; circuitOpenMs: number };
  /** Timeouts and connection cap of the ingest API; the `httpLimitSettings` defaults when omitted. */
  http?: HttpLimits;
  pollers?: {
    owner: string;
    userAgent: string;
    fetch?: typeof fetch;
    requestTimeoutMs?: number;
    backoffBaseMs?: number;
    backoffMaxMs?: number;
  };
  now?: () => number;
}

export interface Collector {
  api: FastifyInstance;
  ingest: IngestService;
  publisher: Publisher;
  pollers: PollerRunner | undefined;
  streams: StreamRunner | undefined;
  matcher: BrandMatcher;
  metrics: CollectorMetrics;
  /** Connects the producer (best effort), starts the pollers, listens. */
  start(listen: { host: string; port: number }): Promise<{ port: number }>;
  /** Stops taking requests and lets in-flight ones finish, stops pollers, flushes and disconnects the producer. */
  close(): Promise<void>;
}

/**
 * Builds the whole collector from plain dependencies. main.ts calls it with
 * the configured ones; integration tests call it with test topics, a test
 * database and a local fixture server, and get the same wiring.
 */
export async function createCollector(opts: CollectorOptions): Promise<Collector> {
  const sources = opts.sources ?? NO_SOURCES;
  const metrics = createCollectorMetrics(opts.registry, opts.now);
  const matcher = compileBrandMatcher(opts.brands.brands);
  const topics = { ...opts.topics, compliance: opts.topics.compliance ?? TOPICS.compliance.name };
  const [mention, signal, deadLetter, compliance] = await Promise.all([
    opts.serde.encoder<Mention>(valueSubject(opts.topics.mentions), loadSchema('Mention')),
    opts.serde.encoder<BrandSignal>(valueSubject(opts.topics.signals), loadSchema('BrandSignal')),
    opts.serde.encoder<DeadLetter>(valueSubject(opts.topics.dlq), loadSchema('DeadLetter')),
    opts.serde.encoder<ComplianceEvent>(
      valueSubject(topics.compliance),
      loadSchema('ComplianceEvent'),
    ),
  ]);
  const publisher = createKafkaPublisher({
    producer: opts.producer,
    logger: opts.logger,
    metrics,
    sendTimeoutMs: opts.kafka.produceTimeoutMs,
    circuitOpenMs: opts.kafka.circuitOpenMs,
    now: opts.now,
  });
  const ingest = createIngestService({
    matcher,
    publisher,
    encoders: { mention, signal, deadLetter, compliance },
    topics,
    metrics,
    limits: {
      maxTextLength: opts.limits.maxTextLength,
      maxFutureSkewMs: opts.limits.maxFutureSkewMs,
      maxAgeMs: opts.limits.maxAgeMs,
    },
    brandIds: new Set(opts.brands.brands.map((b) => b.id)),
    privacy: opts.privacy,
    logger: opts.logger,
    now: opts.now,
  });
  const api = createApiServer({
    ingest,
    apiKeys: opts.apiKeys,
    webhooks: sources.webhooks,
    bodyLimitBytes: opts.limits.bodyLimitBytes,
    maxItems: opts.limits.maxItems,
    maxTextLength: opts.limits.maxTextLength,
    httpLimits: opts.http,
    logger: opts.logger,
    metrics,
  });
  instrumentHttp(api, opts.registry);
  let pollers: PollerRunner | undefined;
  if (sources.pollers.length > 0) {
    if (!opts.pool || !opts.pollers)
      throw new Error('pollers need a database pool and poller options');
    pollers = createPollerRunner({
      pollers: sources.pollers,
      store: createCursorStore({ pool: opts.pool }),
      ingest,
      metrics,
      logger: opts.logger,
      maxTextLength: opts.limits.maxTextLength,
      now: opts.now,
      ...opts.pollers,
    });
  }
  let streams: StreamRunner | undefined;
  const streamSpecs = sources.streams ?? [];
  if (streamSpecs.length > 0) {
    if (!opts.pool || !opts.pollers)
      throw new Error('streams need a database pool and poller options');
    streams = createStreamRunner({
      streams: streamSpecs,
      store: createCursorStore({ pool: opts.pool }),
      ingest,
      metrics,
      logger: opts.logger,
      maxTextLength: opts.limits.maxTextLength,
      mayMatch: (text) => matcher.match(text).brands.length > 0,
      owner: opts.pollers.owner,
      userAgent: opts.pollers.userAgent,
      fetch: opts.pollers.fetch,
      backoffBaseMs: opts.pollers.backoffBaseMs,
      backoffMaxMs: opts.pollers.backoffMaxMs,
    });
  }
  opts.logger.info(
    {
      streams: streamSpecs.length,
      brands: matcher.brandIds.length,
      terms: matcher.termCount,
      webhooks: sources.webhooks.length,
      pollers: sources.pollers.length,
    },
    'collector built',
  );

  return {
    api,
    ingest,
    publisher,
    pollers,
    streams,
    matcher,
    metrics,
    async start(listen) {
      await publisher.start();
      await api.listen({ host: listen.host, port: listen.port });
      const address = api.server.address();
      const port = typeof address === 'object' && address ? address.port : listen.port;
      opts.logger.info({ host: listen.host, port }, 'ingest API listening');
      pollers?.start();
      streams?.start();
      return { port };
    },
    async close() {
      await api.close();
      await pollers?.close();
      await streams?.close();
      await publisher.close();
    },
  };
}
