import type { Server } from 'node:http';
import type { FastifyServerOptions } from 'fastify';

/** Timeouts and a connection cap for one HTTP server (see `httpLimitSettings` in @hark/config). */
export interface HttpLimits {
  httpHeadersTimeoutMs: number;
  httpRequestTimeoutMs: number;
  httpIdleTimeoutMs: number;
  httpKeepAliveTimeoutMs: number;
  httpMaxConnections: number;
}

export const DEFAULT_HTTP_LIMITS: Readonly<HttpLimits> = Object.freeze({
  httpHeadersTimeoutMs: 10_000,
  httpRequestTimeoutMs: 60_000,
  httpIdleTimeoutMs: 70_000,
  httpKeepAliveTimeoutMs: 65_000,
  httpMaxConnections: 1024,
});

/**
 * Fastify options that bound a slow client: headers, the whole request
 * (body included), an idle socket, a kept-alive one. Node checks the header
 * and request deadlines on a timer (`connectionsCheckingInterval`, 30 s by
 * default); it runs at a tenth of the header timeout here so a deadline is
 * kept to within 10 %. Node refuses a header timeout above the request one,
 * so it is clamped.
 */
export function httpServerOptions(limits: HttpLimits): Pick<
  FastifyServerOptions,
  'connectionTimeout' | 'keepAliveTimeout' | 'requestTimeout'
> & {
  http: { headersTimeout: number; requestTimeout: number; connectionsCheckingInterval: number };
} {
  const headersTimeout = Math.min(limits.httpHeadersTimeoutMs, limits.httpRequestTimeoutMs);
  return {
    connectionTimeout: limits.httpIdleTimeoutMs,
    keepAliveTimeout: limits.httpKeepAliveTimeoutMs,
    requestTimeout: limits.httpRequestTimeoutMs,
    http: {
      headersTimeout,
      requestTimeout: limits.httpRequestTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 10))),
    },
  };
}

/** Caps open connections: Node closes any accepted beyond `httpMaxConnections` at once. */
export function capConnections(server: Server, limits: HttpLimits): void {
  server.maxConnections = limits.httpMaxConnections;
}
