import type { Pool, PoolClient } from '@hark/db';
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
 * `LISTEN hark_privacy_shredded` on a dedicated connection, reconnecting every
 * second while it is down. `onListening` runs once subscribed, `onLost` when
 * the connection drops or the subscription fails: the keyring caches only
 * between the two.
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
  let listener: PoolClient | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let readyResolve!: () => void;
  const readyPromise = new Promise<void>((r) => (readyResolve = r));

  async function connect(): Promise<void> {
    if (closed) return;
    try {
      const client = await deps.pool.connect();
      if (closed) {
        // close() ran while this connection was being opened: hand it straight back,
        // or pool.end() would wait for it forever.
        client.release();
        return;
      }
      listener = client;
      client.on('notification', (msg) => {
        if (msg.channel !== SHRED_CHANNEL || !msg.payload) return;
        deps.onShred(msg.payload.split(',').filter(Boolean));
      });
      client.once('end', () => onListenerLost(client));
      client.on('error', () => onListenerLost(client));
      await client.query(`listen ${SHRED_CHANNEL}`);
      deps.onListening();
    } catch (err) {
      log?.warn({ err }, 'shred listener failed; key caching is off until it reconnects');
      if (listener) onListenerLost(listener);
      else scheduleReconnect();
    } finally {
      readyResolve();
    }
  }

  function onListenerLost(client: PoolClient): void {
    if (listener !== client) return;
    listener = undefined;
    deps.onLost();
    try {
      client.release(true);
    } catch {
      // already released
    }
    if (!closed) log?.warn('shred listener lost; key caching is off until it reconnects');
    scheduleReconnect();
  }

  function scheduleReconnect(): void {
    if (closed || reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      void connect();
    }, RECONNECT_MS);
    reconnectTimer.unref();
  }

  void connect();
  return {
    ready: () => readyPromise,
    async close() {
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      const l = listener;
      listener = undefined;
      if (l) {
        await l.query(`unlisten ${SHRED_CHANNEL}`).catch(() => {});
        l.release();
      }
    },
  };
}
