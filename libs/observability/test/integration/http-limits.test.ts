/**
 * Issue 15, defect 3: slow and idle clients are closed, and connections are
 * capped, on the ops server — the server the registry, identity-resolution's
 * API and metrics-rollup's corrections API are built on. Real sockets, short
 * limits so the test takes about two seconds.
 */
import { slowClient } from '@hark/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createLogger,
  createMetricsRegistry,
  createOpsServer,
  type OpsServer,
} from '../../src/index.ts';

const logger = createLogger({ service: 'test', level: 'silent' });
const LIMITS = {
  httpHeadersTimeoutMs: 400,
  httpRequestTimeoutMs: 800,
  httpIdleTimeoutMs: 600,
  httpKeepAliveTimeoutMs: 300,
  httpMaxConnections: 4,
};
let server: OpsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(limits = LIMITS): Promise<number> {
  server = createOpsServer({
    host: '127.0.0.1',
    port: 0,
    registry: createMetricsRegistry({ service: 'limits', defaults: false }),
    logger,
    limits,
  });
  server.app.post('/echo', async (req) => ({ bytes: String(req.body ?? '').length }));
  return (await server.start()).port;
}

describe('HTTP limits of the ops server', () => {
  it('closes slow, idle and kept-alive clients within their limits, all at once', async () => {
    const port = await start();
    const giveUpMs = 5000;
    const [slowHeaders, slowBody, idle, keptAlive] = await Promise.all([
      // one header byte every 100 ms: never finishes its headers
      slowClient({
        port,
        first: 'GET /healthz HTTP/1.1\r\nHost: x\r\n',
        drip: 'X-Slow: 1\r\n',
        intervalMs: 100,
        giveUpMs,
      }),
      // headers at once, then a body of 1,000 bytes one byte every 100 ms
      slowClient({
        port,
        first:
          'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n',
        drip: 'a',
        intervalMs: 100,
        giveUpMs,
      }),
      // connects and says nothing
      slowClient({ port, giveUpMs }),
      // a complete request, answered, then nothing
      slowClient({ port, first: 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', giveUpMs }),
    ]);
    expect(slowHeaders.closedByServer).toBe(true);
    expect(slowHeaders.closedAfterMs).toBeLessThan(1500);
    expect(slowBody.closedByServer).toBe(true);
    expect(slowBody.closedAfterMs).toBeLessThan(2000);
    expect(slowBody.received).toMatch(/^HTTP\/1\.1 408/);
    expect(idle.closedByServer).toBe(true);
    expect(idle.closedAfterMs).toBeLessThan(2000);
    expect(keptAlive.received).toMatch(/^HTTP\/1\.1 200/);
    expect(keptAlive.closedByServer).toBe(true);
    expect(keptAlive.closedAfterMs).toBeLessThan(1500);
  });

  it('closes connections beyond the cap at once, and serves again when they are gone', async () => {
    // Holders that stay open for seconds, so the extra connection surely arrives while they do.
    const port = await start({
      ...LIMITS,
      httpHeadersTimeoutMs: 3000,
      httpRequestTimeoutMs: 3000,
      httpIdleTimeoutMs: 3000,
    });
    const holders = Array.from({ length: 4 }, () =>
      slowClient({
        port,
        first: 'GET /healthz HTTP/1.1\r\nHost: x\r\n',
        drip: 'X: 1\r\n',
        intervalMs: 50,
        giveUpMs: 5000,
      }),
    );
    await new Promise((r) => setTimeout(r, 150));
    const extra = await slowClient({
      port,
      first: 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n',
      giveUpMs: 5000,
    });
    expect(extra.closedByServer).toBe(true);
    expect(extra.received).toBe('');
    expect(extra.closedAfterMs).toBeLessThan(1500);
    await Promise.all(holders);
    const after = await slowClient({
      port,
      first: 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      giveUpMs: 5000,
    });
    expect(after.received).toMatch(/^HTTP\/1\.1 200/);
  });
});
