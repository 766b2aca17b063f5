import { fileURLToPath } from 'node:url';
import { createPool, migrate, pingDatabase, type Pool } from '@hark/db';
import {
  loadSchema,
  valueSubject,
  type Action,
  type Alert,
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
  type Stage,
} from '@hark/kafka';
import type { Logger } from '@hark/observability';
import { createKeyring, migratePrivacy } from '@hark/privacy';
import type { Producer } from 'kafkajs';
import type { Registry } from 'prom-client';
import { createDeliveryWorker, type DeliveryWorker } from './adapters/delivery-worker.ts';
import { loadRuleset } from './adapters/load-rules.ts';
import { createOutboxStore } from './adapters/outbox-store.ts';
import { createRouterMetrics } from './adapters/router-metrics.ts';
import { createRoutingHandler } from './adapters/routing-handler.ts';
import { createSpikeMonitor, type SpikeMonitor } from './adapters/spike-monitor.ts';
import { detectorParams, SERVICE, type Config } from './config.ts';
import type { Ruleset } from './domain/rules/ruleset.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));

export interface ActionRouterDeps {
  config: Config;
  logger: Logger;
  registry: Registry;
  /** Rules; read and validated from `config.rulesFile` when absent. */
  ruleset?: Ruleset;
  now?: () => number;
  /** A consumer stopped for good; main exits so the supervisor restarts it. */
  onCrash?: (err: Error) => void;
}

export interface ActionRouter {
  /** Loads the rules (a bad file throws HARK_RULES_INVALID), migrates, joins the groups, starts the timers. */
  start(): Promise<void>;
  close(): Promise<void>;
  /** Every consumer is in its group. */
  isConsuming(): boolean;
  pingDatabase(): Promise<boolean>;
  /** The spike monitor (undefined when ALERTS_ENABLED is false), for tests to run a round now. */
  readonly spikes: SpikeMonitor | undefined;
  readonly pool: Pool;
}

/** Builds the whole service from its config; `main.ts` and the integration tests both use it. */
export function createActionRouter(deps: ActionRouterDeps): ActionRouter {
  const { config, registry, logger } = deps;
  const log = logger.child({ component: 'service' });
  const now = deps.now ?? Date.now;
  const pool = createPool({
    url: config.databaseUrl,
    logger,
    max: config.dbPoolMax,
    applicationName: SERVICE,
  });
  const metrics = createRouterMetrics(registry);
  const keyring = createKeyring({
    pool,
    masterKey: config.privacyMasterKey,
    previousMasterKeys: config.privacyPreviousMasterKeys,
    logger,
  });
  const kafka = createKafka({ clientId: SERVICE, brokers: config.kafkaBrokers, logger });
  const serde = createAvroSerde({
    registry: createRegistryClient({ url: config.schemaRegistryUrl }),
  });
  const stages: Stage[] = [];
  let producer: Producer | undefined;
  let worker: DeliveryWorker | undefined;
  let spikes: SpikeMonitor | undefined;

  return {
    pool,
    get spikes() {
      return spikes;
    },
    isConsuming: () => stages.length > 0 && stages.every((s) => s.isReady()),
    pingDatabase: () => pingDatabase(pool),

    async start() {
      const ruleset = deps.ruleset ?? loadRuleset(config.rulesFile);
      metrics.rulesInfo.set({ version: ruleset.version }, 1);
      log.info(
        { file: ruleset.file, version: ruleset.version, rules: ruleset.rules.length },
        'routing rules loaded',
      );
      await migratePrivacy({ pool, logger });
      await migrate({ pool, scope: SERVICE, dir: MIGRATIONS_DIR, logger });

      const dlq = Object.assign(
        await serde.encoder<DeadLetter>(valueSubject(config.dlqTopic), loadSchema('DeadLetter')),
        { topic: config.dlqTopic },
      );
      const actions = await serde.encoder<Action>(
        valueSubject(config.actionsTopic),
        loadSchema('Action'),
      );
      const alerts = await serde.encoder<Alert>(
        valueSubject(config.alertsTopic),
        loadSchema('Alert'),
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
        onCrash: deps.onCrash,
      };
      stages.push(
        createStage<ResolvedMention>({
          ...common,
          stage: `${SERVICE}.rules`,
          groupId: config.groupId,
          topics: [config.inputTopic],
          decoder: serde.decoder<ResolvedMention>(loadSchema('ResolvedMention')),
          check: checkResolvedMention,
          handle: createRoutingHandler({
            keyring,
            ruleset,
            encode: (a) => actions.encode(a),
            topic: config.actionsTopic,
            metrics,
            maxAgeMs: config.maxAge.ms,
            now,
          }),
        }),
      );
      if (config.webhookUrl) {
        const store = createOutboxStore({ pool });
        // The outbox is filled from the topic: an action reaches the webhook only once it is
        // durable in Kafka, and offsets commit only after the rows are in PostgreSQL.
        stages.push(
          createStage<Action>({
            ...common,
            stage: `${SERVICE}.webhook`,
            groupId: `${config.groupId}.webhook`,
            topics: [config.actionsTopic],
            decoder: serde.decoder<Action>(loadSchema('Action')),
            handle: async (records) => {
              const added = await store.insert(records.map((r) => r.value));
              metrics.outboxInserted.inc(added);
              return { outputs: [] };
            },
          }),
        );
        worker = createDeliveryWorker({
          store,
          keyring,
          logger,
          metrics,
          url: config.webhookUrl,
          secret: config.webhookSecret,
          timeoutMs: config.webhookTimeout.ms,
          maxAttempts: config.webhookMaxAttempts,
          backoff: {
            initialMs: config.webhookBackoffInitial.ms,
            maxMs: config.webhookBackoffMax.ms,
          },
          concurrency: config.webhookConcurrency,
          pollMs: config.webhookPoll.ms,
          retentionMs: config.outboxRetention.ms,
          now,
        });
      }
      if (config.alertsEnabled) {
        spikes = createSpikeMonitor({
          pool,
          producer,
          encode: (a) => alerts.encode(a),
          topic: config.alertsTopic,
          logger,
          metrics,
          params: detectorParams(config),
          intervalMs: config.alertInterval.ms,
          graceMs: config.alertGrace.ms,
          maxCatchUp: config.alertMaxCatchUp,
          topMentions: config.alertTopMentions,
          now,
        });
      }
      for (const stage of stages) await stage.start();
      worker?.start();
      spikes?.start();
      log.info(
        {
          inputTopic: config.inputTopic,
          actionsTopic: config.actionsTopic,
          alertsTopic: config.alertsTopic,
          webhook: config.webhookUrl ? new URL(config.webhookUrl).origin : 'off',
          alerts: config.alertsEnabled,
        },
        'action-router started',
      );
    },

    async close() {
      await spikes?.close();
      await worker?.close();
      await Promise.allSettled(stages.map((s) => s.close()));
      await producer
        ?.disconnect()
        .catch((err: unknown) => log.warn({ err }, 'producer disconnect failed'));
      // The keyring subscribes its listener in the background from creation; closing before
      // that finished would leave its connection checked out and pool.end() waiting forever.
      await keyring.ready();
      await keyring.close();
      await pool.end();
    },
  };
}
