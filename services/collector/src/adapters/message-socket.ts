import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';

export interface MessageSocket {
  /** Resolves once connected; rejects when the socket closes first. */
  opened(): Promise<void>;
  /**
   * The messages received so far, at most one batch. When none are queued it
   * first waits for a full batch, the close, the abort or `waitMs`, whichever
   * comes first; an empty array means nothing arrived.
   */
  take(waitMs: number): Promise<string[]>;
  /** The server (or the network) closed the connection. */
  readonly closed: boolean;
  /** The socket's error, if it had one. */
  readonly failure: Error | undefined;
  /** Terminates the connection if it is still open. */
  close(): void;
}

/**
 * A WebSocket read as batches of text messages. Reading pauses while ten
 * batches wait, so a slow ingest bounds memory instead of growing a queue;
 * an abort terminates the connection.
 */
export function openMessageSocket(opts: {
  url: string;
  headers: Record<string, string>;
  batchMax: number;
  signal: AbortSignal;
}): MessageSocket {
  const { url, batchMax, signal } = opts;
  const ws = new WebSocket(url, { headers: opts.headers, handshakeTimeout: 15_000 });
  const queue: string[] = [];
  let closed = false;
  let paused = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  ws.on('message', (data: WebSocket.RawData) => {
    queue.push(data.toString());
    if (queue.length >= batchMax) notify();
    if (!paused && queue.length >= 10 * batchMax) {
      paused = true;
      ws.pause();
    }
  });
  ws.on('error', (err: Error) => {
    failure = err;
  });
  ws.on('close', () => {
    closed = true;
    notify();
  });
  const onAbort = () => ws.terminate();
  signal.addEventListener('abort', onAbort, { once: true });

  return {
    opened: () =>
      new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('close', () => reject(failure ?? new Error(`${url}: closed before it opened`)));
      }),
    async take(waitMs) {
      if (queue.length === 0 && !closed) {
        await Promise.race([
          new Promise<void>((r) => (wake = r)),
          sleep(waitMs, undefined, { signal }).catch(() => {}),
        ]);
      }
      const messages = queue.splice(0, batchMax);
      if (paused && queue.length < batchMax) {
        paused = false;
        ws.resume();
      }
      return messages;
    },
    get closed() {
      return closed;
    },
    get failure() {
      return failure;
    },
    close() {
      signal.removeEventListener('abort', onAbort);
      if (!closed) ws.terminate();
    },
  };
}
