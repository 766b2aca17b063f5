import { loadConfigOrExit } from '@hark/config';
import { createPool, migrate } from '@hark/db';
import { createLifecycle, createLogger, createMetricsRegistry } from '@hark/observability';
import { createRegistryServer } from './adapters/registry-server.ts';
import { MIGRATIONS_DIR, registrySettings } from './config.ts';

const SERVICE = 'schema-registry';
const config = loadConfigOrExit(registrySettings);
const logger = createLogger({ service: SERVICE, level: config.logLevel });
const lifecycle = createLifecycle({ logger });
lifecycle.installSignalHandlers();

try {
  const registry = createMetricsRegistry({ service: SERVICE });
  const pool = createPool({ url: config.databaseUrl, logger, applicationName: SERVICE });
  lifecycle.onShutdown('database pool', () => pool.end());

  await migrate({ pool, scope: SERVICE, dir: MIGRATIONS_DIR, logger });

  const server = createRegistryServer({
    pool,
    logger,
    registry,
    host: config.host,
    port: config.port,
    limits: config,
    users: [...config.readers, ...config.writers],
  });
  if (config.readers.length + config.writers.length === 0)
    logger.warn(
      'no SCHEMA_REGISTRY_READERS or SCHEMA_REGISTRY_WRITERS: the registry API is open to anyone who reaches it',
    );
  lifecycle.onShutdown('http server', () => server.close());
  lifecycle.onShutdown('readiness', () => server.markShuttingDown());

  const { url } = await server.start();
  logger.info({ url }, 'schema registry ready');
} catch (err) {
  logger.fatal({ err }, 'schema registry failed to start');
  await lifecycle.shutdown('startup failed', 1);
}
