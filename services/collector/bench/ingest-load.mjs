// Load generator for ingest-bench.ts, run in a worker thread so the client
// does not share an event loop with the collector it measures.
/* global fetch */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';

const { url, apiKey, bodies, concurrency, warmupMs, durationMs } = workerData;
const latencies = [];
let requests = 0;
let failures = 0;
let next = 0;
const start = Date.now();
const measureFrom = start + warmupMs;
const stopAt = measureFrom + durationMs;

async function lane() {
  while (Date.now() < stopAt) {
    const body = bodies[next++ % bodies.length];
    const t0 = performance.now();
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body,
    });
    await res.arrayBuffer();
    const t1 = Date.now();
    if (t1 < measureFrom || t1 > stopAt) continue;
    if (res.status === 202) {
      requests++;
      latencies.push(performance.now() - t0);
    } else {
      failures++;
    }
  }
}

await Promise.all(Array.from({ length: concurrency }, lane));
parentPort.postMessage({ requests, failures, latencies });
