import type { BrandsConfig } from '@hark/brands';
import type { Logger } from '@hark/observability';
import type { Component } from '@hark/stage-runtime';
import type { Catalog } from './catalog.ts';
import type { PartitionManager } from './partition-manager.ts';
import type { RollupMetrics } from './rollup-metrics.ts';
import type { TextRetention } from './text-retention.ts';

export interface Maintenance extends Component {
  /** Runs partition maintenance and refreshes the customer views now (also runs on a timer). */
  maintain(): Promise<void>;
}

/**
 * What runs beside the consumers: at start the brands are synced to the
 * catalog and partitions prepared (writes need them); then, on a timer,
 * partitions are created ahead and expired ones dropped, the customer views
 * refreshed and old texts scrubbed.
 */
export function createMaintenance(deps: {
  catalog: Catalog;
  partitions: PartitionManager;
  textRetention: TextRetention;
  metrics: RollupMetrics;
  logger: Logger;
  brands: BrandsConfig;
  intervalMs: number;
}): Maintenance {
  const log = deps.logger.child({ component: 'maintenance' });
  const { metrics } = deps;
  let timer: NodeJS.Timeout | undefined;
  let maintaining: Promise<void> | undefined;
  let customerViews: string | undefined;

  /**
   * Partitions first: writes need them. A failed view refresh (an unexpected
   * shape of identity-resolution's tables) or text-retention run is logged
   * and counted but never stops the rollups.
   */
  function maintain(): Promise<void> {
    maintaining ??= (async () => {
      try {
        await deps.partitions.maintain();
        const mode = await deps.catalog.refreshCustomerViews().catch((err: unknown) => {
          metrics.maintenanceFailures.inc();
          log.warn({ err }, 'could not refresh the customer views; keeping the previous ones');
          return undefined;
        });
        if (mode && mode !== customerViews) log.info({ mode }, 'customer views refreshed');
        customerViews = mode ?? customerViews;
        // Like the views, retention never stops the rollups: a failed run is retried next interval.
        const kept = await deps.textRetention.run().catch((err: unknown) => {
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
    name: 'maintenance',
    maintain,
    async start() {
      await deps.catalog.syncBrands(deps.brands);
      await maintain();
      timer = setInterval(() => {
        maintain().catch((err: unknown) => {
          metrics.maintenanceFailures.inc();
          log.warn({ err }, 'partition maintenance failed; retrying next interval');
        });
      }, deps.intervalMs);
      timer.unref();
    },
    async close() {
      if (timer) clearInterval(timer);
      await maintaining?.catch(() => {});
    },
  };
}
