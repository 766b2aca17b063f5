import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface ReplayServer {
  url: string;
  /** Query strings of every connection, in order. */
  connections: URLSearchParams[];
  /** How many messages have been sent, over all connections. */
  sent(): number;
  /** Stop sending after the `index`-th message of the capture (0 = hold everything). */
  holdAt(index: number | undefined): void;
  close(): Promise<void>;
}

/**
 * A stand-in for a streaming endpoint that replays a recorded capture: on
 * each connection it starts where `start(query)` says (Jetstream: the first
 * event at or after `cursor`), sends the messages in order, and can cut the
 * connection after a number of messages (a disconnect mid-stream) or hold
 * at a point of the capture (so a collector can be restarted there).
 */
export async function startReplayServer(opts: {
  messages: readonly string[];
  start: (query: URLSearchParams) => number;
  /** Per connection (by index): close it after this many messages. */
  dropAfter?: (connection: number) => number | undefined;
}): Promise<ReplayServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const connections: URLSearchParams[] = [];
  let total = 0;
  let hold: number | undefined;
  const waiting = new Set<() => void>();
  wss.on('connection', (socket: WebSocket, req) => {
    const query = new URL(req.url ?? '/', 'ws://x').searchParams;
    const n = connections.push(query) - 1;
    const limit = opts.dropAfter?.(n);
    let i = opts.start(query);
    let here = 0;
    let open = true;
    socket.on('close', () => (open = false));
    const pump = () => {
      while (open) {
        if (limit !== undefined && here >= limit) {
          socket.terminate();
          return;
        }
        if (i >= opts.messages.length) return;
        if (hold !== undefined && i >= hold) {
          waiting.add(pump);
          return;
        }
        socket.send(opts.messages[i]!);
        i++;
        here++;
        total++;
        // A few messages at a time, as a live stream trickles in.
        if (here % 10 === 0) {
          setTimeout(pump, 5);
          return;
        }
      }
    };
    pump();
  });
  const port = (wss.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/subscribe`,
    connections,
    sent: () => total,
    holdAt(index) {
      hold = index;
      if (index === undefined) {
        const resume = [...waiting];
        waiting.clear();
        for (const r of resume) r();
      }
    },
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}
