// Load generator for cpu-bench.ts, run as a child process so the collector's
// process.cpuUsage() counts the collector alone. Gets the request bodies over
// IPC and answers `ready`; on `go` posts each once (`concurrency` in flight)
// and reports the statuses. The bodies cross the IPC channel before the
// measured run starts: sending them costs the parent ~5 µs per mention.
/* global fetch */
import process from 'node:process';

let job;
process.on('message', async (m) => {
  if (m !== 'go') {
    job = m;
    process.send('ready');
    return;
  }
  const { url, apiKey, bodies, concurrency } = job;
  let next = 0;
  const statuses = {};
  async function lane() {
    while (next < bodies.length) {
      const body = bodies[next++];
      const res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body,
      });
      await res.arrayBuffer();
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, lane));
  process.send({ statuses }, () => process.exit(0));
});
