export { createLogger, type Logger } from './logger.ts';
export { createMetricsRegistry, metricsOnce } from './metrics.ts';
export { instrumentHttp } from './http-metrics.ts';
export {
  createOpsServer,
  createOpsServerFor,
  type OpsServer,
  type ReadinessCheck,
} from './ops-server.ts';
export { createLifecycle, type Lifecycle } from './lifecycle.ts';
export {
  capConnections,
  DEFAULT_HTTP_LIMITS,
  httpServerOptions,
  type HttpLimits,
} from './http-limits.ts';
