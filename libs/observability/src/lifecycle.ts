import type { Logger } from 'pino';

export interface Lifecycle {
  /** Registers a close step; steps run in reverse registration order. */
  onShutdown(name: string, close: () => Promise<void> | void): void;
  /** Runs every close step once; later calls return the same promise. */
  shutdown(reason: string, exitCode?: number): Promise<void>;
  /** Listens for SIGTERM and SIGINT and exits the process when shutdown completes. */
  installSignalHandlers(): void;
}

/**
 * Graceful shutdown in reverse start order, bounded by a hard timeout: a
 * step that hangs cannot keep a pod alive past its grace period.
 */
export function createLifecycle(deps: {
  logger: Logger;
  timeoutMs?: number;
  exit?: (code: number) => void;
}): Lifecycle {
  const log = deps.logger.child({ component: 'lifecycle' });
  const exit = deps.exit ?? ((code: number) => process.exit(code));
  const steps: { name: string; close: () => Promise<void> | void }[] = [];
  let running: Promise<void> | undefined;

  const shutdown = (reason: string, exitCode = 0): Promise<void> => {
    running ??= (async () => {
      log.info({ reason }, 'shutting down');
      const timer = setTimeout(() => {
        log.error(
          { code: 'HARK_SHUTDOWN_TIMEOUT', timeoutMs: deps.timeoutMs ?? 25_000 },
          'shutdown timed out',
        );
        exit(1);
      }, deps.timeoutMs ?? 25_000);
      timer.unref();
      let code = exitCode;
      for (const step of [...steps].reverse()) {
        try {
          await step.close();
          log.debug({ step: step.name }, 'closed');
        } catch (err) {
          code = 1;
          log.error({ err, step: step.name }, 'close step failed');
        }
      }
      clearTimeout(timer);
      log.info({ exitCode: code }, 'shutdown complete');
      exit(code);
    })();
    return running;
  };

  return {
    onShutdown: (name, close) => void steps.push({ name, close }),
    shutdown,
    installSignalHandlers() {
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        process.once(signal, () => void shutdown(signal));
      }
      process.on('unhandledRejection', (err) => {
        log.fatal({ err }, 'unhandled rejection');
        void shutdown('unhandledRejection', 1);
      });
    },
  };
}
