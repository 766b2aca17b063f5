import { createPool, migrate, pingDatabase, type Pool } from '@hark/db';
import {
  loadSchema,
  valueSubject,
  type ComplianceEvent,
  type DeadLetter,
  type IdentityLink,
  type ResolvedMention,
  type ScoredMention,
  checkScoredMention,
} from '@hark/events';
import { HarkError } from '@hark/errors';
import {
  createAvroSerde,
  createKafka,
  createProducer,
  createRegistryClient,
  createStage,
  type Stage,
} from '@hark/kafka';
import { createOpsServer, type OpsServer } from '@hark/observability';
import {
  createKeyring,
  encryptIdentityLinkPii,
  identityLinkAuthorRef,
  migratePrivacy,
} from '@hark/privacy';
import type { Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createComplianceHandler } from './adapters/compliance-handler.ts';
import { createCustomerRepository } from './adapters/customer-repository.ts';
import { registerIdentityApi } from './adapters/http-api.ts';
import { createIdentityRepository } from './adapters/identity-repository.ts';
import { createIndexRefresher, type IndexRefresher } from './adapters/index-refresher.ts';
import { createModelRefitter, type ModelRefitter } from './adapters/model-refitter.ts';
import { createModelRepository } from './adapters/model-repository.ts';
import { registerPrivacyApi } from './adapters/privacy-api.ts';
import { createPrivacyRuntime, type PrivacyRuntime } from './adapters/privacy-runtime.ts';
import { createResolutionHandler } from './adapters/resolution-handler.ts';
import type { IdentityConfig } from './config.ts';
import { CustomerIndex } from './domain/customer-index.ts';
import { DEFAULT_MODEL } from './domain/scoring.ts';
import { Matcher } from './domain/match-author.ts';

import { MIGRATIONS_DIR, SERVICE } from './schema.ts';

export { MIGRATIONS_DIR, SERVICE };

export interface IdentityService {
  /** Ops server first (probes answer while the index loads), then schema, index, Kafka, consumer. */
  start(): Promise<{ port: number }>;
  /** Reverse order: readiness 503, consumer finishes its batch, refresher, producer, HTTP, pool. */
  close(): Promise<void>;
  readonly index: CustomerIndex;
  readonly refresher: IndexRefresher;
  readonly refitter: ModelRefitter;
}

/** Builds the whole service from config; main.ts and the integration tests both use it. */
export function createIdentityService(deps: {
  config: IdentityConfig;
  logger: Logger;
  registry: Registry;
  onCrash?: (err: Error) => void;
}): IdentityService {
  const { config, logger, registry } = deps;
  const pool: Pool = createPool({
    url: config.databaseUrl,
    logger,
    max: config.dbPoolMax,
    applicationName: SERVICE,
  });
  // One keyring per process: the resolution stage opens mentions with it, erasures shred with it.
  const keyring = createKeyring({
    pool,
    masterKey: config.privacyMasterKey,
    previousMasterKeys: config.privacyPreviousMasterKeys,
    logger,
  });
  const customers = createCustomerRepository({ pool });
  const identities = createIdentityRepository({ pool });
  const index = new CustomerIndex();
  const matcher = new Matcher(index, {
    upper: config.matchUpper,
    lower: config.matchLower,
    ambiguityBits: config.matchAmbiguityBits,
    population: config.matchPopulation,
    maxBlock: config.maxBlockSize,
    maxWeakBlock: config.maxWeakBlockSize,
    corroborationBits: config.matchCorroborationBits,
    model: DEFAULT_MODEL,
  });
  const models = createModelRepository({ pool });
  const refitter = createModelRefitter({
    models,
    index,
    matcher,
    base: DEFAULT_MODEL,
    logger,
    registry,
    intervalMs: config.matchRefitMs,
    sampleSize: config.matchRefitSample,
    minAuthors: config.matchRefitMinAuthors,
  });
  const refresher = createIndexRefresher({
    pool,
    customers,
    index,
    logger,
    registry,
    intervalMs: config.indexRefreshMs,
  });
  const kafka = createKafka({ clientId: SERVICE, brokers: config.kafkaBrokers, logger });
  const producer: Producer = createProducer(kafka);
  const serde = createAvroSerde({
    registry: createRegistryClient({ url: config.schemaRegistryUrl }),
  });
  const ops: OpsServer = createOpsServer({
    host: config.opsHost,
    port: config.opsPort,
    registry,
    logger,
    limits: config,
  });
  let stage: Stage | undefined;
  let complianceStage: Stage | undefined;
  let privacy: PrivacyRuntime | undefined;
  let linkEncoder: Awaited<ReturnType<typeof serde.encoder<IdentityLink>>> | undefined;
  let started = false;
  const closers: { name: string; close: () => Promise<void> }[] = [];

  async function emitLink(link: IdentityLink): Promise<void> {
    if (!linkEncoder) throw new HarkError('HARK_KAFKA_UNAVAILABLE', 'producer not ready');
    // Manual decisions are encrypted like the stage's: the handle is personal.
    const ref = identityLinkAuthorRef(link);
    const sealed = encryptIdentityLinkPii(link, (await keyring.keysForWrite([ref])).get(ref)!);
    try {
      await producer.send({
        topic: config.linksTopic,
        acks: -1,
        messages: [{ key: `${link.platform}:${link.authorId}`, value: linkEncoder.encode(sealed) }],
      });
    } catch (err) {
      throw new HarkError(
        'HARK_KAFKA_UNAVAILABLE',
        `identity.links write failed: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }

  return {
    index,
    refresher,
    refitter,
    async start() {
      await registerIdentityApi(ops.app, {
        customers,
        identities,
        apiKeys: config.apiKeys,
        emitLink,
        isStarted: () => started,
        logger,
        extraRoutes: (api) =>
          registerPrivacyApi(api, {
            privacy: () => {
              if (!privacy)
                throw new HarkError('HARK_DB_UNAVAILABLE', 'privacy is starting; retry');
              return privacy;
            },
            logger,
          }),
      });
      ops.addReadinessCheck('database', () => pingDatabase(pool));
      ops.addReadinessCheck('customer-index', () => refresher.isFresh());
      ops.addReadinessCheck('consumer', () => stage?.isReady() ?? false);
      ops.addReadinessCheck('compliance consumer', () => complianceStage?.isReady() ?? false);
      closers.push({ name: 'pool', close: () => pool.end() });
      closers.push({ name: 'keyring', close: () => keyring.close() });
      const { port } = await ops.start();
      closers.push({ name: 'ops-server', close: () => ops.close() });

      await migratePrivacy({ pool, logger });
      await migrate({ pool, scope: SERVICE, dir: MIGRATIONS_DIR, logger });
      await refresher.start();
      closers.push({ name: 'index-refresher', close: () => refresher.close() });
      await refitter.start();
      closers.push({ name: 'model-refitter', close: () => refitter.close() });

      await producer.connect();
      closers.push({ name: 'producer', close: () => producer.disconnect() });
      const resolved = await serde.encoder<ResolvedMention>(
        valueSubject(config.outputTopic),
        loadSchema('ResolvedMention'),
      );
      linkEncoder = await serde.encoder<IdentityLink>(
        valueSubject(config.linksTopic),
        loadSchema('IdentityLink'),
      );
      const dlq = await serde.encoder<DeadLetter>(
        valueSubject(config.dlqTopic),
        loadSchema('DeadLetter'),
      );
      stage = createStage<ScoredMention>({
        stage: SERVICE,
        kafka,
        producer,
        logger,
        registry,
        groupId: config.groupId,
        topics: [config.inputTopic],
        decoder: serde.decoder<ScoredMention>(loadSchema('ScoredMention')),
        check: checkScoredMention,
        dlq: Object.assign(dlq, { topic: config.dlqTopic }),
        maxBatchSize: config.batchSize,
        handle: createResolutionHandler({
          index,
          matcher,
          identities,
          resolved: Object.assign(resolved, { topic: config.outputTopic }),
          links: Object.assign(linkEncoder, { topic: config.linksTopic }),
          logger,
          registry,
          keyring,
          observe: (author) => refitter.observe(author),
        }),
        onCrash: deps.onCrash,
      });
      await stage.start();
      closers.push({ name: 'stage', close: () => stage!.close() });

      const runtime = await createPrivacyRuntime({
        pool,
        producer,
        serde,
        topics: { links: config.linksTopic, compliance: config.complianceTopic },
        masterKey: config.privacyMasterKey,
        previousMasterKeys: config.privacyPreviousMasterKeys,
        auditSecret: config.privacyAuditSecret,
        logger,
        listen: true,
        keyring,
      });
      privacy = runtime;
      complianceStage = createStage<ComplianceEvent>({
        stage: `${SERVICE}-compliance`,
        kafka,
        producer,
        logger,
        registry,
        groupId: config.complianceGroupId || `${config.groupId}.compliance`,
        topics: [config.complianceTopic],
        decoder: serde.decoder<ComplianceEvent>(loadSchema('ComplianceEvent')),
        dlq: Object.assign(dlq, { topic: config.dlqTopic }),
        maxBatchSize: 100,
        handle: createComplianceHandler({
          pool,
          linksTopic: config.linksTopic,
          secret: runtime.secret,
          shred: runtime.shred,
          logger,
          registry,
        }),
        onCrash: deps.onCrash,
      });
      await complianceStage.start();
      closers.push({ name: 'compliance stage', close: () => complianceStage!.close() });
      started = true;
      logger.info({ port, customers: index.size }, 'identity-resolution started');
      return { port };
    },
    async close() {
      ops.markShuttingDown();
      started = false;
      for (const c of closers.reverse()) {
        try {
          await c.close();
        } catch (err) {
          logger.warn({ err, step: c.name }, 'close step failed');
        }
      }
      closers.length = 0;
    },
  };
}
