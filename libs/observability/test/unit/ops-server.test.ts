import { Counter } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createLogger,
  createMetricsRegistry,
  createOpsServer,
  type OpsServer,
} from '../../src/index.ts';

const logger = createLogger({ service: 'test', level: 'silent' });
let server: OpsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function makeServer() {
  const registry = createMetricsRegistry({ service: 'svc-under-test', defaults: false });
  server = createOpsServer({ host: '127.0.0.1', port: 0, registry, logger });
  return { server, registry };
}

describe('ops server', () => {
  it('answers /healthz with 200 while the process lives', async () => {
    const { server } = makeServer();
    const res = await server.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
  });

  it('answers /readyz 503 naming the failing check, and 200 when all pass', async () => {
    const { server } = makeServer();
    let dbUp = false;
    server.addReadinessCheck('kafka', () => true);
    server.addReadinessCheck('db', async () => dbUp);
    let res = await server.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'not_ready', checks: { kafka: true, db: false } });
    dbUp = true;
    res = await server.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
  });

  it('when a check throws, the service is not ready', async () => {
    const { server } = makeServer();
    server.addReadinessCheck('db', async () => {
      throw new Error('connection refused');
    });
    const res = await server.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
  });

  it('once shutting down, /readyz is 503 even when checks pass', async () => {
    const { server } = makeServer();
    server.addReadinessCheck('kafka', () => true);
    server.markShuttingDown();
    const res = await server.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
  });

  it('serves the injected registry on /metrics with the service label', async () => {
    const { server, registry } = makeServer();
    new Counter({ name: 'hark_test_total', help: 'test', registers: [registry] }).inc(3);
    await server.start();
    const res = await fetch(
      `http://127.0.0.1:${server.app.server.address() && (server.app.server.address() as { port: number }).port}/metrics`,
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('hark_test_total{service="svc-under-test"} 3');
  });
});

describe('HTTP API metrics', () => {
  it('records API requests by route pattern and status, not probes or scrapes', async () => {
    const { server, registry } = makeServer();
    server.app.get('/v1/things/:id', async (req, reply) =>
      (req.params as { id: string }).id === 'missing' ? reply.code(404).send() : { ok: true },
    );
    await server.app.inject({ method: 'GET', url: '/v1/things/a' });
    await server.app.inject({ method: 'GET', url: '/v1/things/b' });
    await server.app.inject({ method: 'GET', url: '/v1/things/missing' });
    await server.app.inject({ method: 'GET', url: '/nowhere' });
    await server.app.inject({ method: 'GET', url: '/healthz' });
    await server.app.inject({ method: 'GET', url: '/metrics' });
    const counts = Object.fromEntries(
      (await registry.getSingleMetric('hark_http_request_duration_seconds')!.get()).values
        .filter(
          (v) =>
            (v as { metricName?: string }).metricName ===
            'hark_http_request_duration_seconds_count',
        )
        .map((v) => [`${v.labels.route} ${v.labels.status_code}`, v.value]),
    );
    expect(counts).toEqual({
      '/v1/things/:id 200': 2,
      '/v1/things/:id 404': 1,
      'unmatched 404': 1,
    });
  });
});
