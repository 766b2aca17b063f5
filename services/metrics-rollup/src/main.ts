import { loadConfigOrExit } from '@hark/config';
import {
  createLifecycle,
  createLogger,
  createMetricsRegistry,
  createOpsServer,
} from '@hark/observability';
import { registerCorrectionsApi } from './adapters/corrections-api.ts';
import { configProblems, configSpec } from './config.ts';
import { SERVICE, createRollupService } from './service.ts';

const config = loadConfigOrExit(configSpec, process.env, configProblems);
const logger = createLogger({ service: SERVICE, level: config.logLevel });
const registry = createMetricsRegistry({ service: SERVICE });
const lifecycle = createLifecycle({ logger });
lifecycle.installSignalHandlers();

const ops = createOpsServer({
  host: config.opsHost,
  port: config.opsPort,
  registry,
  logger,
  limits: config,
});
const service = createRollupService({
  config,
  logger,
  registry,
  onCrash: (err) => void lifecycle.shutdown(`consumer crashed: ${err.message}`, 1),
});
ops.addReadinessCheck('consumers', () => service.isConsuming());
ops.addReadinessCheck('database', () => service.pingDatabase());
await registerCorrectionsApi(ops.app, {
  store: service.corrections,
  apiKeys: config.apiKeys,
  isStarted: () => service.isStarted(),
  metrics: service.metrics,
  logger,
});

// /healthz answers while migrations and the group join run; /readyz only once both are done.
await ops.start();
lifecycle.onShutdown('ops server', () => ops.close());
lifecycle.onShutdown('rollup service', () => service.close());
lifecycle.onShutdown('readiness', () => ops.markShuttingDown());
try {
  await service.start();
} catch (err) {
  logger.fatal({ err }, 'metrics-rollup failed to start');
  await lifecycle.shutdown('start failed', 1);
}
