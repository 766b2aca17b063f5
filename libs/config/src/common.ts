import { hostPort, list, oneOf, str, url } from './parsers.ts';
import { setting } from './parse-config.ts';

/** Settings every hark service shares, so their names and defaults never drift. */
export const commonSettings = {
  kafkaBrokers: setting({
    env: 'KAFKA_BROKERS',
    doc: 'comma-separated Kafka bootstrap servers (host:port)',
    parse: list(hostPort()),
    default: ['127.0.0.1:9092'],
  }),
  schemaRegistryUrl: setting({
    env: 'SCHEMA_REGISTRY_URL',
    doc: 'Confluent-compatible schema registry base URL',
    parse: url({ protocols: ['http', 'https'] }),
    default: 'http://127.0.0.1:8081',
  }),
  databaseUrl: setting({
    env: 'DATABASE_URL',
    doc: 'PostgreSQL connection URL',
    parse: url({ protocols: ['postgres', 'postgresql'] }),
    default: 'postgres://postgres@127.0.0.1:5432/hark',
  }),
  logLevel: setting({
    env: 'LOG_LEVEL',
    doc: 'pino log level',
    parse: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    default: 'info' as const,
  }),
  opsHost: setting({
    env: 'OPS_HOST',
    doc: 'interface the /healthz, /readyz and /metrics server binds to',
    parse: str(),
    default: '127.0.0.1',
  }),
};
