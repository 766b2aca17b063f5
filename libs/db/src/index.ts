export {
  createPool,
  pingDatabase,
  withTransaction,
  type Pool,
  type PoolClient,
  type TransactionErrors,
} from './pool.ts';
export { migrate, readMigrations, type Migration } from './migrate.ts';
export { isDatabaseError, isTransientDbError, toDbError, withDbErrors } from './errors.ts';
export { createChannelListener, type ChannelListener } from './channel-listener.ts';
