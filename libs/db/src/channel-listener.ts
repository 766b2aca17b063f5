import type pg from 'pg';

/** A `LISTEN` on one channel over a dedicated connection; see {@link createChannelListener}. */
export interface ChannelListener {
  /**
   * Checks a connection out, subscribes, and resolves once notifications
   * flow. Does nothing while subscribed or after close; throws when the
   * connection or the LISTEN fails (the connection is then destroyed).
   */
  connect(): Promise<void>;
  readonly listening: boolean;
  /** Unsubscribes and returns the connection to the pool; later calls to connect do nothing. */
  close(): Promise<void>;
}

/**
 * PostgreSQL `LISTEN` on a dedicated pool connection. When the connection
 * fails or ends after subscribing, it is destroyed and `onLost` runs once;
 * reconnecting is the caller's choice (a timer, the next poll), since what
 * was missed meanwhile is the caller's to recover. Every handler is removed
 * when the connection goes back to the pool, so a dead connection is never
 * released twice.
 */
export function createChannelListener(deps: {
  pool: pg.Pool;
  channel: string;
  /** The payload is '' when the NOTIFY carried none. */
  onNotification: (payload: string) => void;
  onLost: (err?: Error) => void;
}): ChannelListener {
  let current: { release(err?: Error | boolean): void; client: pg.PoolClient } | undefined;
  let closed = false;

  async function connect(): Promise<void> {
    if (current || closed) return;
    const client = await deps.pool.connect();
    if (closed) {
      // close() ran while this connection was being opened: hand it straight back,
      // or pool.end() would wait for it forever.
      client.release();
      return;
    }
    let released = false;
    const onNotification = (msg: pg.Notification): void => {
      if (msg.channel === deps.channel) deps.onNotification(msg.payload ?? '');
    };
    const onLost = (err?: Error): void => {
      if (released) return;
      release(err ?? true);
      if (!closed) deps.onLost(err);
    };
    const onEnd = (): void => onLost();
    const release = (err?: Error | boolean): void => {
      if (released) return;
      released = true;
      client.removeListener('notification', onNotification);
      client.removeListener('error', onLost);
      client.removeListener('end', onEnd);
      if (current?.client === client) current = undefined;
      client.release(err);
    };
    client.on('notification', onNotification);
    client.on('error', onLost);
    client.once('end', onEnd);
    current = { client, release };
    try {
      await client.query(`listen ${deps.channel}`);
    } catch (err) {
      release(err as Error);
      throw err;
    }
  }

  return {
    connect,
    get listening() {
      return current !== undefined;
    },
    async close() {
      closed = true;
      const c = current;
      current = undefined;
      if (!c) return;
      await c.client.query(`unlisten ${deps.channel}`).catch(() => {});
      c.release();
    },
  };
}
