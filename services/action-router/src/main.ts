import { loadConfigOrExit } from '@hark/config';
import { isHarkError } from '@hark/errors';
import {
  createLifecycle,
  createLogger,
  createMetricsRegistry,
  createOpsServer,
} from '@hark/observability';
import { configProblems, configSpec, SERVICE } from './config.ts';
import { createActionRouter } from './service.ts';

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
const service = createActionRouter({
  config,
  logger,
  registry,
  onCrash: (err) => void lifecycle.shutdown(`consumer crashed: ${err.message}`, 1),
});
ops.addReadinessCheck('consumers', () => service.isConsuming());
ops.addReadinessCheck('database', () => service.pingDatabase());

// /healthz answers while the rules load, migrations run and the groups join; /readyz once all are done.
await ops.start();
lifecycle.onShutdown('ops server', () => ops.close());
lifecycle.onShutdown('action router', () => service.close());
lifecycle.onShutdown('readiness', () => ops.markShuttingDown());
try {
  await service.start();
} catch (err) {
  // A bad rules file lands here: HARK_RULES_INVALID with the file, line and reason.
  if (isHarkError(err) && err.code === 'HARK_RULES_INVALID')
    process.stderr.write(`${err.message}\n`);
  logger.fatal({ err }, 'action-router failed to start');
  await lifecycle.shutdown('start failed', 1);
}
