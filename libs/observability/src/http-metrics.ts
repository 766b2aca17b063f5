import type { FastifyInstance } from 'fastify';
import { Histogram, type Registry } from 'prom-client';

const NAME = 'hark_http_request_duration_seconds';
/** Paths every service answers for its orchestrator and Prometheus; not API traffic. */
const OPS_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Request latency of an HTTP API, by method, route pattern (`/v1/mentions`, not the
 * concrete URL, so ids don't explode the series) and status code; requests no route
 * matched are labelled `unmatched`. Probes and scrapes are left out. Safe to call for
 * several apps on one registry: they share the histogram.
 */
export function instrumentHttp(app: FastifyInstance, registry: Registry): void {
  const histogram =
    (registry.getSingleMetric(NAME) as Histogram<'method' | 'route' | 'status_code'> | undefined) ??
    new Histogram({
      name: 'hark_http_request_duration_seconds',
      help: 'HTTP API request latency by method, route pattern and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route !== undefined && OPS_PATHS.has(route)) return;
    histogram.observe(
      {
        method: request.method,
        route: route ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
}
