import { connect } from 'node:net';

export interface SlowClientResult {
  /** Milliseconds from connect until the server closed the connection (or the cap ran out). */
  closedAfterMs: number;
  /** Whether the server closed it (false: still open when `giveUpMs` ran out). */
  closedByServer: boolean;
  /** What the server sent, e.g. an HTTP/1.1 408. */
  received: string;
}

/**
 * A client that connects, writes `first` at once, then one byte of `drip`
 * every `intervalMs` (a slowloris), and reports when the server hung up.
 */
export function slowClient(opts: {
  port: number;
  host?: string;
  first?: string;
  drip?: string;
  intervalMs?: number;
  giveUpMs: number;
}): Promise<SlowClientResult> {
  return new Promise((resolve) => {
    const started = Date.now();
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ closedAfterMs: Date.now() - started, closedByServer, received });
    };
    const socket = connect({ port: opts.port, host: opts.host ?? '127.0.0.1' }, () => {
      if (opts.first) socket.write(opts.first);
      const drip = opts.drip ?? '';
      let i = 0;
      if (drip.length > 0)
        timer = setInterval(() => {
          if (!socket.destroyed) socket.write(drip[i++ % drip.length]!);
        }, opts.intervalMs ?? 100);
    });
    socket.on('data', (d) => (received += d.toString('latin1')));
    socket.on('close', () => finish(true));
    socket.on('end', () => finish(true));
    socket.on('error', () => finish(true));
    const giveUp = setTimeout(() => finish(false), opts.giveUpMs);
  });
}
