import { createChannelListener, type Pool } from '@hark/db';
import type { Logger } from 'pino';

/** The PostgreSQL channel that carries shredded key ids (comma-separated). */
export const SHRED_CHANNEL = 'hark_privacy_shredded';

const RECONNECT_MS = 1000;

export interface ShredListener {
  /** Resolves once the first subscription attempt ended (subscribed or failed). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * `LISTEN hark_privacy_shredded`, reconnecting every second while it is down.
 * `onListening` runs once subscribed, `onLost` when the connection drops or
 * the subscription fails: the keyring caches only between the two.
 */
export function startShredListener(deps: {
  pool: Pool;
  log: Logger | undefined;
  onShred: (keyIds: string[]) => void;
  onListening: () => void;
  onLost: () => void;
}): ShredListener {
  const { log } = deps;
  let closed = false;
  let reconnectTimer: NodeJS.Timeout | undefined;
  const listener = createChannelListener({
    pool: deps.pool,
    channel: SHRED_CHANNEL,
    onNotification: (payload) => {
      if (payload) deps.onShred(payload.split(',').filter(Boolean));
    },
    onLost() {
      deps.onLost();
      log?.warn('shred listener lost; key caching is off until it reconnects');
      scheduleReconnect();
    },
  });

  async function connect(): Promise<void> {
    try {
      await listener.connect();
      if (listener.listening) deps.onListening();
    } catch (err) {
      log?.warn({ err }, 'shred listener failed; key caching is off until it reconnects');
      deps.onLost();
      scheduleReconnect();
    }
  }

  function scheduleReconnect(): void {
    if (closed || reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      void connect();
    }, RECONNECT_MS);
    reconnectTimer.unref();
  }

  const ready = connect();
  return {
    ready: () => ready,
    async close() {
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      await listener.close();
    },
  };
}
