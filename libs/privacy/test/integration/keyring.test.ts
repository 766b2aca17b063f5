import { createPool, type Pool } from '@hark/db';
import { createLogger } from '@hark/observability';
import { createTestDatabase, makeMention, waitFor } from '@hark/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createKeyring,
  decryptMentionPii,
  encryptMentionPii,
  generateMasterKey,
  migratePrivacy,
  TEST_MASTER_KEY,
  type Keyring,
} from '../../src/index.ts';

const logger = createLogger({ service: 'privacy-test', level: 'silent' });
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
const keyrings: Keyring[] = [];

function keyring(opts: Partial<Parameters<typeof createKeyring>[0]> = {}): Keyring {
  const k = createKeyring({ pool, masterKey: TEST_MASTER_KEY, logger, ...opts });
  keyrings.push(k);
  return k;
}

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ url: db.url, logger, max: 12 });
  await migratePrivacy({ pool, logger });
});

afterAll(async () => {
  for (const k of keyrings) await k.close();
  await pool?.end();
  await db?.drop();
});

describe('keyring on PostgreSQL', () => {
  it('when closed before its listener connected, it gives the connection back to the pool', async () => {
    const own = createPool({ url: db.url, logger, max: 2 });
    const k = createKeyring({ pool: own, masterKey: TEST_MASTER_KEY, logger });
    await k.close(); // at once: the listener's connect is still in flight
    await k.ready();
    await waitFor(() => own.totalCount === own.idleCount, { what: 'no connection checked out' });
    const ended = own.end().then(() => 'ended');
    const timeout = new Promise((r) => setTimeout(() => r('stuck'), 5_000));
    expect(await Promise.race([ended, timeout])).toBe('ended');
  });

  it('when two keyrings ask for the same new authors at once, both get the same single key each', async () => {
    const a = keyring();
    const b = keyring();
    const refs = Array.from({ length: 50 }, (_, i) => `x:race-${i}`);
    for (let round = 0; round < 5; round++) {
      const batch = refs.map((r) => `${r}-${round}`);
      const [ka, kb] = await Promise.all([
        a.keysForWrite(batch),
        b.keysForWrite([...batch].reverse()),
      ]);
      for (const r of batch) {
        expect(ka.get(r)!.keyId).toBe(kb.get(r)!.keyId);
        expect(ka.get(r)!.key.equals(kb.get(r)!.key)).toBe(true);
      }
    }
    const { rows } = await pool.query<{ n: number }>(
      "select count(*)::int as n from privacy_data_keys where author_ref like 'x:race-%'",
    );
    expect(rows[0]!.n).toBe(250);
  });

  it('when a key exists, a later keysForWrite and keysForRead return the same key', async () => {
    const k = keyring({ listen: false });
    const first = (await k.keysForWrite(['x:stable']))!.get('x:stable')!;
    const fresh = keyring({ listen: false });
    const again = (await fresh.keysForWrite(['x:stable'])).get('x:stable')!;
    expect(again.keyId).toBe(first.keyId);
    const read = await fresh.keysForRead([first.keyId, 'AAAAAAAAAAAAAAAAAAAAAA']);
    expect(read.get(first.keyId)!.key.equals(first.key)).toBe(true);
    expect(read.has('AAAAAAAAAAAAAAAAAAAAAA')).toBe(false);
  });

  it('when one batch creates many keys, ids, keys and wrap IVs are all distinct and each row unwraps to its key', async () => {
    const refs = Array.from({ length: 40 }, (_, i) => `x:batch-${i}`);
    const made = await keyring({ listen: false }).keysForWrite(refs);
    const { rows } = await pool.query<{ key_id: string; wrapped_key: Buffer }>(
      "select key_id, wrapped_key from privacy_data_keys where author_ref like 'x:batch-%'",
    );
    expect(rows).toHaveLength(40);
    const distinct = (xs: string[]) => new Set(xs).size;
    expect(distinct(rows.map((r) => r.key_id))).toBe(40);
    expect(distinct(rows.map((r) => r.wrapped_key.subarray(0, 12).toString('hex')))).toBe(40);
    expect(distinct([...made.values()].map((k) => k.key.toString('hex')))).toBe(40);
    const read = await keyring({ listen: false }).keysForRead(rows.map((r) => r.key_id));
    for (const ref of refs) {
      const k = made.get(ref)!;
      expect(k.key).toHaveLength(32);
      expect(read.get(k.keyId)!.key.equals(k.key)).toBe(true);
    }
  });

  it('when the data key row is read back, it is wrapped (the raw key is not in the table)', async () => {
    const k = keyring({ listen: false });
    const dk = (await k.keysForWrite(['x:wrapped'])).get('x:wrapped')!;
    const { rows } = await pool.query<{ wrapped_key: Buffer }>(
      "select wrapped_key from privacy_data_keys where author_ref = 'x:wrapped'",
    );
    expect(rows[0]!.wrapped_key.includes(dk.key)).toBe(false);
    expect(rows[0]!.wrapped_key.length).toBe(12 + 32 + 16);
  });

  it('when another process shreds an author, this process evicts its cached key within a second', async () => {
    const reader = keyring();
    const eraser = keyring();
    await Promise.all([reader.ready(), eraser.ready()]);
    const dk = (await reader.keysForWrite(['x:erase-me'])).get('x:erase-me')!;
    const enc = encryptMentionPii(
      makeMention({ author: { ...makeMention().author, id: 'erase-me' } }),
      dk,
    );
    // Warm the read cache too.
    expect((await decryptMentionPii(enc, reader)).status).toBe('clear');
    // Shred inside a caller's transaction: nothing happens until commit.
    const client = await pool.connect();
    try {
      await client.query('begin');
      expect(await eraser.shred(['x:erase-me', 'x:never-existed'], client)).toBe(1);
      await new Promise((r) => setTimeout(r, 300));
      expect((await reader.keysForRead([dk.keyId])).get(dk.keyId)).not.toBeNull();
      await client.query('commit');
    } finally {
      client.release();
    }
    const t0 = Date.now();
    await waitFor(async () => (await reader.keysForRead([dk.keyId])).get(dk.keyId) === null, {
      timeoutMs: 1000,
      intervalMs: 20,
      what: 'eviction by NOTIFY',
    });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(await decryptMentionPii(enc, reader)).toEqual({ status: 'erased', keyId: dk.keyId });
    // A new write for the same author gets a new key; the old data stays unreadable.
    const next = (await reader.keysForWrite(['x:erase-me'])).get('x:erase-me')!;
    expect(next.keyId).not.toBe(dk.keyId);
    expect((await decryptMentionPii(enc, reader)).status).toBe('erased');
  });

  it('when a shred rolls back, the key survives', async () => {
    const k = keyring();
    const dk = (await k.keysForWrite(['x:kept'])).get('x:kept')!;
    const client = await pool.connect();
    try {
      await client.query('begin');
      await k.shred(['x:kept'], client);
      await client.query('rollback');
    } finally {
      client.release();
    }
    const fresh = keyring({ listen: false });
    expect((await fresh.keysForRead([dk.keyId])).get(dk.keyId)?.keyId).toBe(dk.keyId);
  });

  it('when the master key is wrong, reading a key fails with HARK_PRIVACY_KEY_UNWRAP_FAILED', async () => {
    const k = keyring({ listen: false });
    const dk = (await k.keysForWrite(['x:other-master'])).get('x:other-master')!;
    const wrong = keyring({ listen: false, masterKey: generateMasterKey() });
    await expect(wrong.keysForRead([dk.keyId])).rejects.toMatchObject({
      code: 'HARK_PRIVACY_KEY_UNWRAP_FAILED',
    });
    // During a rotation the old key is listed as previous and still opens old rows.
    const rotated = keyring({
      listen: false,
      masterKey: generateMasterKey(),
      previousMasterKeys: [TEST_MASTER_KEY],
    });
    expect((await rotated.keysForRead([dk.keyId])).get(dk.keyId)!.key.equals(dk.key)).toBe(true);
  });

  it('when its shred listener is cut off, it stops caching, so a shred meanwhile is not missed, and listens again', async () => {
    const app = 'keyring-cut-off';
    const own = createPool({ url: db.url, logger, max: 4, applicationName: app });
    const reader = createKeyring({ pool: own, masterKey: TEST_MASTER_KEY, logger });
    const listeners = async () =>
      (
        await pool.query(
          `select pid from pg_stat_activity
            where application_name = $1 and query = 'listen hark_privacy_shredded'`,
          [app],
        )
      ).rowCount;
    try {
      await reader.ready();
      const dk = (await reader.keysForWrite(['x:cut-off'])).get('x:cut-off')!;
      expect((await reader.keysForRead([dk.keyId])).get(dk.keyId)).not.toBeNull();
      await pool.query(
        `select pg_terminate_backend(pid) from pg_stat_activity
          where application_name = $1 and query = 'listen hark_privacy_shredded'`,
        [app],
      );
      await waitFor(async () => (await listeners()) === 0, { what: 'the listener to be gone' });
      await new Promise((r) => setTimeout(r, 100));
      // No NOTIFY can reach the reader now; only reading PostgreSQL tells it about the shred.
      expect(await keyring({ listen: false }).shred(['x:cut-off'])).toBe(1);
      expect((await reader.keysForRead([dk.keyId])).get(dk.keyId)).toBeNull();
      expect((await reader.keysForWrite(['x:cut-off'])).get('x:cut-off')!.keyId).not.toBe(dk.keyId);
      await waitFor(async () => (await listeners()) === 1, {
        timeoutMs: 5000,
        what: 'the listener to reconnect',
      });
    } finally {
      await reader.close();
      await own.end();
    }
  });

  it('when PostgreSQL is unreachable, keysForWrite fails retriable with HARK_DB_UNAVAILABLE', async () => {
    const dead = createPool({ url: 'postgres://postgres@127.0.0.1:1/none', logger });
    const k = createKeyring({ pool: dead, masterKey: TEST_MASTER_KEY, listen: false });
    await expect(k.keysForWrite(['x:a'])).rejects.toMatchObject({
      code: 'HARK_DB_UNAVAILABLE',
      retriable: true,
    });
    await k.close();
    await dead.end();
  });
});
