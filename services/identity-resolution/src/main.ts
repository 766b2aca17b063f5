import { loadConfigOrExit } from '@hark/config';
import { createLifecycle, createLogger, createMetricsRegistry } from '@hark/observability';
import { configSpec } from './config.ts';
import { SERVICE } from './schema.ts';
import { createIdentityService } from './service.ts';

const config = loadConfigOrExit(configSpec);
const logger = createLogger({ service: SERVICE, level: config.logLevel });
const registry = createMetricsRegistry({ service: SERVICE });
const lifecycle = createLifecycle({ logger });
lifecycle.installSignalHandlers();

const service = createIdentityService({
  config,
  logger,
  registry,
  onCrash: (err) => void lifecycle.shutdown(`consumer crashed: ${err.message}`, 1),
});
lifecycle.onShutdown('identity-resolution', () => service.close());

try {
  await service.start();
} catch (err) {
  logger.fatal({ err }, 'identity-resolution failed to start');
  await lifecycle.shutdown('start failed', 1);
}
