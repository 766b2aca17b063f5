import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createChannelListener, type Pool } from '../../src/index.ts';
import { useTestPool } from './test-pool.ts';

let pool: Pool;
useTestPool(4, (p) => {
  pool = p;
});

const eventually = async (check: () => boolean, what: string): Promise<void> => {
  for (let i = 0; i < 100; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
};

function listenerOn(channel = `test_${randomBytes(4).toString('hex')}`) {
  const payloads: string[] = [];
  const lost: (Error | undefined)[] = [];
  const listener = createChannelListener({
    pool,
    channel,
    onNotification: (p) => payloads.push(p),
    onLost: (err) => lost.push(err),
  });
  const notify = (payload: string) => pool.query('select pg_notify($1, $2)', [channel, payload]);
  const terminate = () =>
    pool.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and query = $1`,
      [`listen ${channel}`],
    );
  return { listener, payloads, lost, notify, terminate };
}

describe('createChannelListener', () => {
  it('when a notification is sent on the channel, the payload arrives', async () => {
    const t = listenerOn();
    await t.listener.connect();
    expect(t.listener.listening).toBe(true);
    await t.notify('a,b');
    await eventually(() => t.payloads.length === 1, 'the notification');
    expect(t.payloads).toEqual(['a,b']);
    await t.listener.close();
  });

  it('when the connection is terminated, onLost runs once and connect subscribes again', async () => {
    const t = listenerOn();
    await t.listener.connect();
    const killed = await t.terminate();
    expect(killed.rowCount).toBe(1);
    await eventually(() => t.lost.length > 0, 'onLost');
    await new Promise((r) => setTimeout(r, 100));
    expect(t.lost).toHaveLength(1);
    expect(t.listener.listening).toBe(false);
    await t.listener.connect();
    await t.notify('again');
    await eventually(() => t.payloads.includes('again'), 'the notification after reconnecting');
    await t.listener.close();
  });

  it('when closed, it stops hearing the channel, gives its connection back and stays closed', async () => {
    const t = listenerOn();
    await t.listener.connect();
    await t.listener.close();
    expect(pool.idleCount).toBe(pool.totalCount);
    await t.notify('late');
    await t.listener.connect();
    await new Promise((r) => setTimeout(r, 100));
    expect(t.payloads).toEqual([]);
    expect(t.listener.listening).toBe(false);
    expect(t.lost).toEqual([]);
  });
});
