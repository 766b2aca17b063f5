import { loadBrandsConfig } from '@hark/brands';
import { checkResolvedMention } from '@hark/events';
import { defineService, isEntryPoint, runService, type RunningService } from '@hark/stage-runtime';
import { createCatalog } from './adapters/catalog.ts';
import { createComplianceStore } from './adapters/compliance-store.ts';
import { registerCorrectionsApi } from './adapters/corrections-api.ts';
import { createCorrectionsStore } from './adapters/corrections-store.ts';
import { createMaintenance, type Maintenance } from './adapters/maintenance.ts';
import { createPartitionManager } from './adapters/partition-manager.ts';
import {
  createComplianceHandler,
  createMentionsHandler,
  createSignalsHandler,
  MENTION_FACT_FIELDS,
} from './adapters/rollup-handlers.ts';
import { createRollupMetrics } from './adapters/rollup-metrics.ts';
import { createRollupStore } from './adapters/rollup-store.ts';
import { createTextRetention } from './adapters/text-retention.ts';
import { configProblems, configSpec, SERVICE } from './config.ts';
import { MIGRATIONS_DIR, resolveBrandsFile } from './schema.ts';

/**
 * Resolved mentions, brand signals and compliance events into PostgreSQL
 * rollups (the database is the output: nothing is produced), each input in
 * its own group `<GROUP_ID>.<input>`; the corrections API on the ops server.
 */
export const rollupService = defineService({
  name: SERVICE,
  config: configSpec,
  configCheck: configProblems,
  database: { migrations: MIGRATIONS_DIR },
  keyring: true,
  outputs: {},
  setup({ config, logger, registry, pool, now, isStarted, input }) {
    const metrics = createRollupMetrics(registry);
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
    const maintenance = createMaintenance({
      catalog: createCatalog({ pool, logger }),
      partitions,
      textRetention: createTextRetention({
        pool,
        logger,
        now,
        textRetentionMs:
          config.textRetentionDays > 0 ? config.textRetentionDays * 86_400_000 : null,
        retentionMs: config.retention.ms,
        latenessMs: config.lateness.ms,
      }),
      metrics,
      logger,
      brands: loadBrandsConfig(resolveBrandsFile(config.brandsFile)),
      intervalMs: config.maintenanceInterval.ms,
    });
    const handlerDeps = {
      store: createRollupStore({ pool }),
      partitions,
      metrics,
      policy: { latenessMs: config.lateness.ms, futureToleranceMs: config.futureTolerance.ms },
      now,
    };
    const corrections = createCorrectionsStore({ pool });
    return {
      inputs: [
        input({
          name: 'mentions',
          topic: config.mentionsTopic,
          group: `${config.groupId}.mentions`,
          event: 'ResolvedMention',
          check: checkResolvedMention,
          personal: { fields: MENTION_FACT_FIELDS, mentionOf: (resolved) => resolved.mention },
          handle: createMentionsHandler(handlerDeps),
        }),
        input({
          name: 'signals',
          topic: config.signalsTopic,
          group: `${config.groupId}.signals`,
          event: 'BrandSignal',
          lowVolume: true,
          handle: createSignalsHandler(handlerDeps),
        }),
        input({
          name: 'compliance',
          topic: config.complianceTopic,
          group: `${config.groupId}.compliance`,
          event: 'ComplianceEvent',
          // Compliance events are rare and each is its own transaction; small chunks commit often.
          batchSize: Math.min(config.batchSize, 100),
          lowVolume: true,
          handle: createComplianceHandler({
            store: createComplianceStore({ pool }),
            metrics,
            deletedPosts: config.deletedPosts,
          }),
        }),
      ],
      routes: (app) =>
        registerCorrectionsApi(app, {
          store: corrections,
          apiKeys: config.apiKeys,
          isStarted,
          metrics,
          logger,
        }),
      components: [maintenance],
      exposed: { maintenance, corrections },
    };
  },
});

/** The running service as tests reach it. */
export type RollupService = RunningService<{
  maintenance: Maintenance;
  corrections: ReturnType<typeof createCorrectionsStore>;
}>;

if (isEntryPoint(import.meta.url)) await runService(rollupService);
