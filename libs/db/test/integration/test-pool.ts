import { createLogger } from '@hark/observability';
import { createTestDatabase } from '@hark/testing';
import { afterAll, beforeAll } from 'vitest';
import { createPool, type Pool } from '../../src/index.ts';

export const logger = createLogger({ service: 'test', level: 'silent' });

/**
 * A pool of `max` clients on a fresh database of the local PostgreSQL, handed to `ready`
 * before the file's tests and ended (the database dropped) after them.
 */
export function useTestPool(max: number, ready: (pool: Pool) => Promise<void> | void): void {
  let pool: Pool | undefined;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const db = await createTestDatabase();
    drop = db.drop;
    pool = createPool({ url: db.url, logger, max });
    await ready(pool);
  });
  afterAll(async () => {
    await pool?.end();
    await drop?.();
  });
}
