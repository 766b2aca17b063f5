export { createPool, pingDatabase, withTransaction, type Pool, type PoolClient } from './pool.ts';
export { migrate, readMigrations, type Migration } from './migrate.ts';
export { isDatabaseError, isTransientDbError } from './errors.ts';
