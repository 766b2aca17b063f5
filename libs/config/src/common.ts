import { hostPort, int, list, oneOf, str, url } from './parsers.ts';
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

/**
 * Limits of every HTTP server a service runs (ops server, APIs, the registry):
 * slow or idle clients are cut off and the number of open connections is
 * capped, so a few hundred slow sockets cannot hold a service's file handles
 * and memory. Spread into a service's spec and pass them to `createOpsServer`.
 */
export const httpLimitSettings = {
  httpHeadersTimeoutMs: setting({
    env: 'HTTP_HEADERS_TIMEOUT_MS',
    doc: 'longest time a client may take to send a request’s headers before its connection is closed',
    parse: int({ min: 100, max: 600_000 }),
    default: 10_000,
  }),
  httpRequestTimeoutMs: setting({
    env: 'HTTP_REQUEST_TIMEOUT_MS',
    doc: 'longest time a client may take to send a whole request (headers and body); 408 and close after it',
    parse: int({ min: 100, max: 3_600_000 }),
    default: 60_000,
  }),
  httpIdleTimeoutMs: setting({
    env: 'HTTP_IDLE_TIMEOUT_MS',
    doc: 'a connection with no bytes either way for this long is closed',
    parse: int({ min: 100, max: 3_600_000 }),
    default: 70_000,
  }),
  httpKeepAliveTimeoutMs: setting({
    env: 'HTTP_KEEP_ALIVE_TIMEOUT_MS',
    doc: 'how long an answered keep-alive connection may wait for its next request (above a load balancer’s 60 s idle timeout)',
    parse: int({ min: 100, max: 3_600_000 }),
    default: 65_000,
  }),
  httpMaxConnections: setting({
    env: 'HTTP_MAX_CONNECTIONS',
    doc: 'most open connections per HTTP server; further ones are closed at once',
    parse: int({ min: 1, max: 100_000 }),
    default: 1024,
  }),
};
