/**
 * The load side of the firehose benchmark, in its own process so the
 * collector's CPU is measured alone. `ws <port>`: a Jetstream stand-in
 * replaying the generated firehose as fast as the socket takes it;
 * `http <url> <key> <concurrency>`: NDJSON batches posted in a loop.
 * Messages come from the parent (one JSON array on stdin).
 */
import { WebSocketServer } from 'ws';

const [mode, ...args] = process.argv.slice(2);
const chunks: Buffer[] = [];
for await (const c of process.stdin) chunks.push(c as Buffer);
const payloads = JSON.parse(Buffer.concat(chunks).toString()) as string[];

if (mode === 'ws') {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('listening', () => {
    const { port } = wss.address() as { port: number };
    process.stdout.write(`${JSON.stringify({ port })}\n`);
  });
  wss.on('connection', (socket) => {
    let i = 0;
    const pump = () => {
      // Keep the socket's buffer bounded: a real relay does not queue gigabytes either.
      while (i < payloads.length && socket.bufferedAmount < 4 * 1024 * 1024) {
        socket.send(payloads[i++]!);
      }
      if (i < payloads.length) setTimeout(pump, 1);
    };
    pump();
  });
} else if (mode === 'http') {
  const [url, key, concurrency] = args as [string, string, string];
  let next = 0;
  let done = 0;
  const started = Date.now();
  const worker = async () => {
    while (next < payloads.length) {
      const body = payloads[next++]!;
      const res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
        body,
      });
      if (res.status !== 202) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
      done++;
    }
  };
  await Promise.all(Array.from({ length: Number(concurrency) }, worker));
  process.stdout.write(`${JSON.stringify({ requests: done, ms: Date.now() - started })}\n`);
}
