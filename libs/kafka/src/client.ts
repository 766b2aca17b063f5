import { Kafka, logLevel, type KafkaConfig, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { Murmur2Partitioner } from './murmur2-partitioner.ts';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose logs go to the process's pino logger. */
export function createKafka(deps: {
  clientId: string;
  brokers: string[];
  logger: Logger;
  config?: Partial<KafkaConfig>;
}): Kafka {
  const log = deps.logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: deps.clientId,
    brokers: deps.brokers,
    connectionTimeout: 3000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }) => {
        const { message, ...rest } = entry;
        log[LEVELS[level] ?? 'info'](rest, message);
      },
    ...deps.config,
  });
}

/**
 * The producer every stage uses: acks=all on each send, idempotent so broker
 * retries never duplicate a record, and Java's murmur2 partitioner so keys
 * land on the same partitions as with any Java client (kafkajs's own, with the
 * hash in 32-bit arithmetic: `murmur2-partitioner.ts`).
 */
// Retries stay bounded although kafkajs warns that this "may invalidate EoS": an
// unbounded retry would hang a send (and the collector's answer) while Kafka is
// down. A batch that gives up is retried by the stage loop and deduplicated
// downstream by key, so the guarantee that matters holds.
export function createProducer(
  kafka: Kafka,
  opts: { retries?: number; transactionalId?: string } = {},
): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Murmur2Partitioner,
    retry: { retries: opts.retries ?? 5, initialRetryTime: 200, maxRetryTime: 5000 },
  });
}
