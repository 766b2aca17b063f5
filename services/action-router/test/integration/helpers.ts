import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { once } from 'node:events';
import { TEST_MASTER_KEY } from '@hark/privacy';
import { freePort, testEnv } from '@hark/testing';
import { parseActionRouterConfig, type Config } from '../../src/config.ts';

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/** A local webhook receiver: answers each request with the next status of `statuses` (the last one repeats). */
export async function startReceiver(statuses: number[]): Promise<{
  url: string;
  requests: ReceivedRequest[];
  close: () => Promise<void>;
}> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = statuses[Math.min(requests.length, statuses.length - 1)]!;
      requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      res
        .writeHead(status, { 'content-type': 'text/plain' })
        .end(status < 300 ? 'ok' : 'try later');
    });
  });
  const port = await freePort();
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${port}/hooks/hark`,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** The service's config for a test: the local stack, the test's topics and database, fast timers. */
export function testConfig(env: Record<string, string>): Config {
  const stack = testEnv();
  return parseActionRouterConfig({
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
    LOG_LEVEL: 'silent',
    // The runtime starts an ops server: a free port, not the running service's.
    OPS_PORT: '0',
    HARK_PRIVACY_MASTER_KEY: TEST_MASTER_KEY,
    ACTION_WEBHOOK_BACKOFF_INITIAL: '100ms',
    ACTION_WEBHOOK_BACKOFF_MAX: '400ms',
    ACTION_WEBHOOK_POLL: '50ms',
    ACTION_WEBHOOK_TIMEOUT: '2s',
    ...env,
  });
}
