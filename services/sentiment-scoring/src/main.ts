import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigOrExit } from '@hark/config';
import { createPool, pingDatabase } from '@hark/db';
import { createAvroSerde, createKafka, createProducer, createRegistryClient } from '@hark/kafka';
import {
  createLifecycle,
  createLogger,
  createMetricsRegistry,
  createOpsServer,
} from '@hark/observability';
import { createKeyring, migratePrivacy } from '@hark/privacy';
import { loadScoringModel } from './adapters/load-model.ts';
import { createScoringService } from './adapters/scoring-service.ts';
import { configSpec, SERVICE } from './config.ts';

const config = loadConfigOrExit(configSpec);
const logger = createLogger({ service: SERVICE, level: config.logLevel });
const registry = createMetricsRegistry({ service: SERVICE });
const lifecycle = createLifecycle({ logger });
lifecycle.installSignalHandlers();

try {
  const serviceDir = fileURLToPath(new URL('..', import.meta.url));
  const model = await loadScoringModel({
    intentModelPath: resolve(serviceDir, config.intentModelPath),
    socialModelPath: resolve(serviceDir, config.socialModelPath),
    languages: config.languages,
    logger,
  });

  // Not ready until the consumer has joined its group (the check exists before the server answers).
  let consumerReady = () => false;
  const ops = createOpsServer({
    host: config.opsHost,
    port: config.opsPort,
    registry,
    logger,
    limits: config,
  });
  ops.addReadinessCheck('consumer', () => consumerReady());
  lifecycle.onShutdown('ops server', () => ops.close());
  await ops.start();

  // The database holds only the privacy keyring for this stage.
  const pool = createPool({ url: config.databaseUrl, logger, applicationName: SERVICE, max: 4 });
  lifecycle.onShutdown('database pool', () => pool.end());
  await migratePrivacy({ pool, logger });
  const keyring = createKeyring({
    pool,
    masterKey: config.privacyMasterKey,
    previousMasterKeys: config.privacyPreviousMasterKeys,
    logger,
  });
  lifecycle.onShutdown('keyring', () => keyring.close());
  ops.addReadinessCheck('database', () => pingDatabase(pool));

  const kafka = createKafka({ clientId: SERVICE, brokers: config.kafkaBrokers, logger });
  const producer = createProducer(kafka);
  await producer.connect();
  lifecycle.onShutdown('producer', () => producer.disconnect());

  const service = await createScoringService({
    kafka,
    producer,
    serde: createAvroSerde({ registry: createRegistryClient({ url: config.schemaRegistryUrl }) }),
    logger,
    registry,
    model,
    keyring,
    topics: { input: config.inputTopic, output: config.outputTopic, dlq: config.dlqTopic },
    groupId: config.groupId,
    maxBatchSize: config.batchSize,
    onCrash: () => void lifecycle.shutdown('consumer crashed', 1),
  });
  consumerReady = service.isReady;
  lifecycle.onShutdown('consumer', () => service.close());
  // Registered last, so it runs first: readiness turns 503 before anything closes.
  lifecycle.onShutdown('readiness', () => ops.markShuttingDown());
  await service.start();
} catch (err) {
  logger.fatal({ err }, 'startup failed');
  await lifecycle.shutdown('startup failed', 1);
}
