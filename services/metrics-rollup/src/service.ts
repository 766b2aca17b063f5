import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBrandsConfig, type BrandsConfig } from '@hark/brands';
import { createPool, migrate, pingDatabase, type Pool } from '@hark/db';
import { createKeyring, createPrivacyMetrics, migratePrivacy } from '@hark/privacy';
import { withDecryptedMentions } from './adapters/decrypt-mentions.ts';
import {
  loadSchema,
  valueSubject,
  type BrandSignal,
  type ComplianceEvent,
  type DeadLetter,
  type ResolvedMention,
  checkResolvedMention,
} from '@hark/events';
import {
  createAvroSerde,
  createKafka,
  createProducer,
  createRegistryClient,
  createStage,
  type BatchHandler,
  type Stage,
} from '@hark/kafka';
import type { Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createCatalog } from './adapters/catalog.ts';
import { createComplianceStore } from './adapters/compliance-store.ts';
import { createCorrectionsStore, type CorrectionsStore } from './adapters/corrections-store.ts';
import { createPartitionManager } from './adapters/partition-manager.ts';
import {
  createComplianceHandler,
  createMentionsHandler,
  createSignalsHandler,
  type HandlerDeps,
} from './adapters/rollup-handlers.ts';
import { createRollupMetrics, type RollupMetrics } from './adapters/rollup-metrics.ts';
import { createRollupStore } from './adapters/rollup-store.ts';
import { createTextRetention } from './adapters/text-retention.ts';
import type { RollupConfig } from './config.ts';

export const SERVICE = 'metrics-rollup';
export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A relative BRANDS_FILE is read from the working directory, else from the repository root. */
export function resolveBrandsFile(path: string): string {
  if (isAbsolute(path) || existsSync(path)) return path;
  const fromRoot = join(REPO_ROOT, path);
  return existsSync(fromRoot) ? fromRoot : path;
}

/** Which input a handler serves; tests wrap handlers by name to inject faults. */
export type InputName = 'mentions' | 'signals' | 'compliance';

export interface RollupServiceDeps {
  config: RollupConfig;
  logger: Logger;
  registry: Registry;
  /** Processing clock for lateness and partitions; tests pin it. */
  now?: () => number;
  /** Brands config; read from `config.brandsFile` when absent. */
  brands?: BrandsConfig;
  /** Called once when a consumer stops for good; main exits so the supervisor restarts it. */
  onCrash?: (err: Error) => void;
  /** Decorates a stage's handler (fault injection in tests). */
  wrapHandler?: <T>(input: InputName, handler: BatchHandler<T>) => BatchHandler<T>;
  /** Consumer session timeout; tests shorten it so a crashed member leaves the group sooner. */
  sessionTimeoutMs?: number;
}

export interface RollupService {
  /** Migrates, syncs the catalog, prepares partitions, then joins both consumer groups. */
  start(): Promise<void>;
  /** Stops consuming (the in-flight batch commits), then closes the producer and the pool. */
  close(): Promise<void>;
  /** All three consumers are in their groups. */
  isConsuming(): boolean;
  /** Migrations ran: the corrections API may answer. */
  isStarted(): boolean;
  /** The database answers. */
  pingDatabase(): Promise<boolean>;
  /** Runs partition maintenance and refreshes the customer views now (also runs on a timer). */
  maintain(): Promise<void>;
  readonly pool: Pool;
  /** Analyst corrections (the HTTP API in main.ts serves them). */
  readonly corrections: CorrectionsStore;
  readonly metrics: RollupMetrics;
}

/** Builds the whole service from its config; `main.ts` and the integration tests both use it. */
export function createRollupService(deps: RollupServiceDeps): RollupService {
  const { config, registry } = deps;
  const logger = deps.logger;
  const log = logger.child({ component: 'service' });
  const now = deps.now ?? Date.now;
  const pool = createPool({
    url: config.databaseUrl,
    logger,
    max: config.dbPoolMax,
    applicationName: SERVICE,
  });
  const metrics = createRollupMetrics(registry);
  // Opens encrypted mentions at the decode boundary (see decrypt-mentions.ts).
  const keyring = createKeyring({
    pool,
    masterKey: config.privacyMasterKey,
    previousMasterKeys: config.privacyPreviousMasterKeys,
    logger,
  });
  const privacyMetrics = createPrivacyMetrics(registry);
  const catalog = createCatalog({ pool, logger });
  const partitions = createPartitionManager({
    pool,
    logger,
    now,
    policy: {
      latenessMs: config.lateness.ms,
      futureToleranceMs: config.futureTolerance.ms,
      retentionMs: config.retention.ms,
      aheadDays: 2,
    },
  });
  const handlerDeps: HandlerDeps = {
    store: createRollupStore({ pool }),
    partitions,
    metrics,
    policy: { latenessMs: config.lateness.ms, futureToleranceMs: config.futureTolerance.ms },
    now,
  };
  const complianceStore = createComplianceStore({ pool });
  const corrections = createCorrectionsStore({ pool });
  const textRetention = createTextRetention({
    pool,
    logger,
    now,
    textRetentionMs: config.textRetentionDays > 0 ? config.textRetentionDays * 86_400_000 : null,
    retentionMs: config.retention.ms,
    latenessMs: config.lateness.ms,
  });
  let started = false;
  const wrap = deps.wrapHandler ?? (<T>(_: InputName, h: BatchHandler<T>) => h);
  const kafka = createKafka({ clientId: SERVICE, brokers: config.kafkaBrokers, logger });
  const serde = createAvroSerde({
    registry: createRegistryClient({ url: config.schemaRegistryUrl }),
  });

  let producer: Producer | undefined;
  const stages: Stage[] = [];
  let timer: NodeJS.Timeout | undefined;
  let maintaining: Promise<void> | undefined;
  let customerViews: string | undefined;

  /**
   * Partitions first: writes need them. A failed view refresh (an unexpected
   * shape of identity-resolution's tables) or text-retention run is logged
   * and counted but never stops the rollups.
   */
  async function maintain(): Promise<void> {
    maintaining ??= (async () => {
      try {
        await partitions.maintain();
        const mode = await catalog.refreshCustomerViews().catch((err: unknown) => {
          metrics.maintenanceFailures.inc();
          log.warn({ err }, 'could not refresh the customer views; keeping the previous ones');
          return undefined;
        });
        if (mode && mode !== customerViews) log.info({ mode }, 'customer views refreshed');
        customerViews = mode ?? customerViews;
        // Like the views, retention never stops the rollups: a failed run is retried next interval.
        const kept = await textRetention.run().catch((err: unknown) => {
          metrics.maintenanceFailures.inc();
          log.warn({ err }, 'text retention failed; retrying next interval');
          return undefined;
        });
        if (kept) metrics.textScrubbed.inc(kept.scrubbed);
      } finally {
        maintaining = undefined;
      }
    })();
    return maintaining;
  }

  return {
    pool,
    corrections,
    metrics,
    isStarted: () => started,
    isConsuming: () => stages.length === 3 && stages.every((s) => s.isReady()),
    pingDatabase: () => pingDatabase(pool),
    maintain,

    async start() {
      const brands = deps.brands ?? loadBrandsConfig(resolveBrandsFile(config.brandsFile));
      await migrate({ pool, scope: SERVICE, dir: MIGRATIONS_DIR, logger });
      await migratePrivacy({ pool, logger });
      await catalog.syncBrands(brands);
      started = true;
      await maintain();
      timer = setInterval(() => {
        maintain().catch((err: unknown) => {
          metrics.maintenanceFailures.inc();
          log.warn({ err }, 'partition maintenance failed; retrying next interval');
        });
      }, config.maintenanceInterval.ms);
      timer.unref();

      const dlq = Object.assign(
        await serde.encoder<DeadLetter>(valueSubject(config.dlqTopic), loadSchema('DeadLetter')),
        { topic: config.dlqTopic },
      );
      producer = createProducer(kafka);
      await producer.connect();
      const common = {
        kafka,
        producer,
        logger,
        registry,
        dlq,
        maxBatchSize: config.batchSize,
        sessionTimeout: deps.sessionTimeoutMs,
        onCrash: deps.onCrash,
      };
      stages.push(
        createStage<ResolvedMention>({
          ...common,
          stage: `${SERVICE}.mentions`,
          groupId: `${config.groupId}.mentions`,
          topics: [config.mentionsTopic],
          decoder: serde.decoder<ResolvedMention>(loadSchema('ResolvedMention')),
          check: checkResolvedMention,
          handle: wrap(
            'mentions',
            withDecryptedMentions(createMentionsHandler(handlerDeps), {
              keyring,
              metrics: privacyMetrics,
              stage: `${SERVICE}.mentions`,
            }),
          ),
        }),
        createStage<BrandSignal>({
          ...common,
          stage: `${SERVICE}.signals`,
          groupId: `${config.groupId}.signals`,
          topics: [config.signalsTopic],
          decoder: serde.decoder<BrandSignal>(loadSchema('BrandSignal')),
          handle: wrap('signals', createSignalsHandler(handlerDeps)),
        }),
        // Its own group: kafkajs would otherwise hand compliance partitions to the other stages.
        createStage<ComplianceEvent>({
          ...common,
          // Compliance events are rare and each is its own transaction; small chunks commit often.
          maxBatchSize: Math.min(config.batchSize, 100),
          stage: `${SERVICE}.compliance`,
          groupId: `${config.groupId}.compliance`,
          topics: [config.complianceTopic],
          decoder: serde.decoder<ComplianceEvent>(loadSchema('ComplianceEvent')),
          handle: wrap(
            'compliance',
            createComplianceHandler({
              store: complianceStore,
              metrics,
              deletedPosts: config.deletedPosts,
            }),
          ),
        }),
      );
      for (const stage of stages) await stage.start();
      log.info(
        {
          mentionsTopic: config.mentionsTopic,
          signalsTopic: config.signalsTopic,
          complianceTopic: config.complianceTopic,
          groupId: config.groupId,
        },
        'metrics-rollup started',
      );
    },

    async close() {
      if (timer) clearInterval(timer);
      await Promise.allSettled(stages.map((s) => s.close()));
      await maintaining?.catch(() => {});
      await producer
        ?.disconnect()
        .catch((err: unknown) => log.warn({ err }, 'producer disconnect failed'));
      await keyring.close();
      await pool.end();
    },
  };
}
