import type { BrandsConfig } from '@hark/brands';
import { withTransaction, type Pool } from '@hark/db';
import type { Logger } from 'pino';

export interface Catalog {
  /** Replaces tracked brands and competitive sets with the config's; views read them at query time. */
  syncBrands(config: BrandsConfig): Promise<void>;
  /** Re-creates the customer views from the identity-resolution tables that exist now. */
  refreshCustomerViews(): Promise<string>;
}

export function createCatalog(deps: { pool: Pool; logger: Logger }): Catalog {
  const log = deps.logger.child({ component: 'catalog' });
  return {
    async syncBrands(config) {
      await withTransaction(deps.pool, async (client) => {
        // Two instances starting with different files: the last one wins, never a mix.
        await client.query('select pg_advisory_xact_lock(hashtext($1))', [
          'metrics-rollup:catalog',
        ]);
        await client.query('delete from tracked_brands');
        await client.query('delete from competitive_sets');
        await client.query(
          'insert into tracked_brands (brand, name) select * from unnest($1::text[], $2::text[])',
          [config.brands.map((b) => b.id), config.brands.map((b) => b.name)],
        );
        await client.query(
          'insert into competitive_sets (set_id, name) select * from unnest($1::text[], $2::text[])',
          [config.competitiveSets.map((s) => s.id), config.competitiveSets.map((s) => s.name)],
        );
        const members = config.competitiveSets.flatMap((s) =>
          [...new Set(s.brands)].map((b) => [s.id, b] as const),
        );
        await client.query(
          'insert into competitive_set_brands (set_id, brand) select * from unnest($1::text[], $2::text[])',
          [members.map((m) => m[0]), members.map((m) => m[1])],
        );
      });
      log.info(
        { brands: config.brands.length, competitiveSets: config.competitiveSets.map((s) => s.id) },
        'synced brands and competitive sets',
      );
    },

    async refreshCustomerViews() {
      const { rows } = await deps.pool.query<{ mode: string }>(
        'select metrics_rollup_refresh_customer_views() as mode',
      );
      const mode = rows[0]?.mode ?? '';
      log.debug({ mode }, 'refreshed customer views');
      return mode;
    },
  };
}
