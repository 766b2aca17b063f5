import { hostname } from 'node:os';
import { loadBrandsConfig } from '@hark/brands';
import { loadConfigOrExit } from '@hark/config';
import { createPool, migrate, pingDatabase, type Pool } from '@hark/db';
import { HarkError } from '@hark/errors';
import { createAvroSerde, createKafka, createProducer, createRegistryClient } from '@hark/kafka';
import {
  createLifecycle,
  createLogger,
  createMetricsRegistry,
  createOpsServerFor,
} from '@hark/observability';
import { createKeyring, migratePrivacy } from '@hark/privacy';
import { createMentionPrivacy } from './adapters/mention-privacy.ts';
import { loadSourcesFile } from './adapters/sources-file.ts';
import { createCollector, MIGRATIONS_DIR } from './collector.ts';
import { collectorSettings } from './config.ts';

const config = loadConfigOrExit(collectorSettings);
const logger = createLogger({ service: 'collector', level: config.logLevel });
const registry = createMetricsRegistry({ service: 'collector' });
const lifecycle = createLifecycle({ logger, timeoutMs: config.shutdownTimeoutMs });
lifecycle.installSignalHandlers();

try {
  const brands = loadBrandsConfig(config.brandsFile);
  const sources = loadSourcesFile(config.sourcesFile, {
    env: process.env,
    brandIds: new Set(brands.brands.map((b) => b.id)),
  });

  const ops = createOpsServerFor(config, { registry, logger });
  await ops.start();
  lifecycle.onShutdown('ops server', () => ops.close());
  // Not ready until the ingest API listens: start-up may wait on Kafka for a while.
  let apiListening = false;
  ops.addReadinessCheck('ingest api', () => apiListening);

  // The keyring needs the database always; checkpoints only when there are pollers or streams.
  const pool: Pool = createPool({
    url: config.databaseUrl,
    logger,
    applicationName: 'hark-collector',
    max: 6,
  });
  lifecycle.onShutdown('database pool', () => pool.end());
  await migratePrivacy({ pool, logger });
  if (sources.pollers.length > 0 || (sources.streams?.length ?? 0) > 0) {
    await migrate({ pool, scope: 'collector', dir: MIGRATIONS_DIR, logger });
  }
  ops.addReadinessCheck('database', () => pingDatabase(pool));
  const keyring = config.privacyEncrypt
    ? createKeyring({
        pool,
        masterKey: config.privacyMasterKey,
        previousMasterKeys: config.privacyPreviousMasterKeys,
        logger,
      })
    : null;
  if (keyring) lifecycle.onShutdown('keyring', () => keyring.close());
  else logger.warn('PRIVACY_ENCRYPT=false: personal fields are produced in clear (debugging only)');
  const privacy = createMentionPrivacy({
    keyring,
    hashEmails: config.privacyHashEmails,
    redactTextContacts: config.privacyRedactTextContacts,
    registry,
  });

  const kafka = createKafka({ clientId: 'hark-collector', brokers: config.kafkaBrokers, logger });
  const collector = await createCollector({
    logger,
    registry,
    producer: createProducer(kafka),
    serde: createAvroSerde({ registry: createRegistryClient({ url: config.schemaRegistryUrl }) }),
    topics: {
      mentions: config.mentionsTopic,
      signals: config.signalsTopic,
      dlq: config.dlqTopic,
      compliance: config.complianceTopic,
    },
    brands,
    sources,
    pool,
    privacy,
    apiKeys: config.apiKeys,
    limits: {
      bodyLimitBytes: config.bodyLimitBytes,
      maxItems: config.maxItems,
      maxTextLength: config.maxTextLength,
      maxFutureSkewMs: config.maxFutureSkewSeconds * 1000,
      maxAgeMs: config.maxAgeSeconds * 1000,
    },
    kafka: { produceTimeoutMs: config.produceTimeoutMs, circuitOpenMs: config.circuitOpenMs },
    http: config,
    pollers: {
      owner: config.instanceId || `${hostname()}-${process.pid}`,
      userAgent: config.pollerUserAgent,
    },
  });
  await collector.start({ host: config.apiHost, port: config.apiPort });
  apiListening = true;
  lifecycle.onShutdown('collector', () => collector.close());
  ops.addReadinessCheck('kafka', () => collector.publisher.isConnected());
  lifecycle.onShutdown('readiness', () => ops.markShuttingDown());
  logger.info('collector ready');
} catch (err) {
  if (err instanceof HarkError && err.code === 'HARK_CONFIG_INVALID') {
    for (const line of (err.context.problems as string[] | undefined) ?? [err.message]) {
      process.stderr.write(`config error: ${line}\n`);
    }
    process.exit(2);
  }
  logger.fatal({ err }, 'collector failed to start');
  await lifecycle.shutdown('startup failed', 1);
}
