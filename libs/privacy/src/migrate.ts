import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate, type Pool } from '@hark/db';
import type { Logger } from 'pino';

/** Where the `privacy` scope's migrations live. */
export const PRIVACY_MIGRATIONS_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'migrations',
);

/** Creates or upgrades the keyring tables (scope `privacy`); safe when many processes start together. */
export async function migratePrivacy(deps: {
  pool: Pool;
  logger: Logger;
}): Promise<{ applied: number[] }> {
  return migrate({
    pool: deps.pool,
    scope: 'privacy',
    dir: PRIVACY_MIGRATIONS_DIR,
    logger: deps.logger,
  });
}
