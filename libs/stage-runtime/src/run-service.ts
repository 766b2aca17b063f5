import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfigOrExit, type ConfigOf } from '@hark/config';
import { isHarkError } from '@hark/errors';
import { createLifecycle, createLogger, createMetricsRegistry } from '@hark/observability';
import type { Outputs, ServiceDeclaration } from './declaration.ts';
import { createService } from './create-service.ts';
import type { StageConfig, StageSettings } from './settings.ts';

/**
 * Runs a declared service as the process: parses the environment (every
 * problem listed, exit 2), makes the logger, metrics registry and lifecycle
 * (SIGTERM/SIGINT, hard timeout), builds and starts it; a failed start shuts
 * down what started and exits 1.
 */
export async function runService<S extends StageSettings, O extends Outputs<ConfigOf<S>>, X>(
  declaration: ServiceDeclaration<S, O, X>,
): Promise<void> {
  const config = loadConfigOrExit(declaration.config, process.env, declaration.configCheck);
  const logger = createLogger({
    service: declaration.name,
    level: (config as unknown as StageConfig).logLevel,
  });
  const registry = createMetricsRegistry({ service: declaration.name });
  const lifecycle = createLifecycle({ logger });
  lifecycle.installSignalHandlers();
  try {
    const service = await createService(declaration, { config, logger, registry, lifecycle });
    await service.start();
  } catch (err) {
    // A bad rules or model file says why on stderr too, where an operator looks first.
    if (isHarkError(err) && !err.retriable) process.stderr.write(`${err.message}\n`);
    logger.fatal({ err }, `${declaration.name} failed to start`);
    await lifecycle.shutdown('start failed', 1);
  }
}

/** Whether `moduleUrl` is the script node was started with (main.ts run, not imported by a test). */
export function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}
