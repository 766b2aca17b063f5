/**
 * Issue 15, defect 3: 300 connections sending one byte every 5 s were all
 * still open after 90 s, including ones already answered 401. With the
 * collector's HTTP limits (short here, so the test takes seconds) slow
 * clients are closed and connections are capped.
 */
import { slowClient } from '@hark/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type Harness } from './harness.ts';

let h: Harness;
let port: number;

beforeAll(async () => {
  h = await startCollector({
    http: {
      httpHeadersTimeoutMs: 400,
      httpRequestTimeoutMs: 800,
      httpIdleTimeoutMs: 1500,
      httpKeepAliveTimeoutMs: 300,
      httpMaxConnections: 20,
    },
  });
  port = Number(new URL(h.url).port);
});
afterAll(async () => h?.close());

describe('the ingest API closes slow clients', () => {
  it('regression: a client answered 401 that then drips a byte at a time is closed', async () => {
    const r = await slowClient({
      port,
      first:
        'POST /v1/mentions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
      drip: 'GET /v1/mentions HTTP/1.1\r\n',
      intervalMs: 100,
      giveUpMs: 5000,
    });
    expect(r.received).toMatch(/^HTTP\/1\.1 401/);
    expect(r.closedByServer).toBe(true);
    expect(r.closedAfterMs).toBeLessThan(2000);
  });

  it('closes slow headers, a slow body (408) and an idle connection, 30 at once', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        i % 3 === 0
          ? slowClient({
              port,
              first: 'POST /v1/mentions HTTP/1.1\r\n',
              drip: 'X: 1\r\n',
              intervalMs: 100,
              giveUpMs: 5000,
            })
          : i % 3 === 1
            ? slowClient({
                port,
                first:
                  'POST /v1/mentions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n[',
                drip: ' ',
                intervalMs: 100,
                giveUpMs: 5000,
              })
            : slowClient({ port, giveUpMs: 5000 }),
      ),
    );
    for (const r of results) {
      expect(r.closedByServer).toBe(true);
      expect(r.closedAfterMs).toBeLessThan(4000);
    }
    // 20 at most were ever served: the rest were closed on arrival without a byte.
    expect(
      results.filter((r) => r.received === '' && r.closedAfterMs < 1000).length,
    ).toBeGreaterThanOrEqual(10);
  });
});
