import { createPool, migrate, type Pool } from '@hark/db';
import type { Action } from '@hark/events';
import { createLogger, createMetricsRegistry } from '@hark/observability';
import {
  createKeyring,
  encryptMentionPii,
  encryptMentionPiiFields,
  isEnvelope,
  sealedToText,
  migratePrivacy,
  TEST_MASTER_KEY,
  type Keyring,
} from '@hark/privacy';
import { createTestDatabase, makeAction, makeMention, waitFor } from '@hark/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliveryWorker, type DeliveryWorker } from '../../src/adapters/delivery-worker.ts';
import { createOutboxStore, type OutboxStore } from '../../src/adapters/outbox-store.ts';
import { createRouterMetrics } from '../../src/adapters/router-metrics.ts';
import { MIGRATIONS_DIR } from '../../src/schema.ts';
import { startReceiver } from './helpers.ts';

const SECRET = 'outbox-test-secret-0123456789';
const logger = createLogger({ service: 'action-router-outbox-test', level: 'silent' });
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
let store: OutboxStore;
let keyring: Keyring;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ url: db.url, logger });
  await migratePrivacy({ pool, logger });
  await migrate({ pool, scope: 'action-router', dir: MIGRATIONS_DIR, logger });
  store = createOutboxStore({ pool });
  keyring = createKeyring({ pool, masterKey: TEST_MASTER_KEY, logger, listen: false, ttlMs: 0 });
});

afterAll(async () => {
  await keyring?.close();
  await pool?.end();
  await db?.drop();
});

function worker(
  url: string,
  over: { maxAttempts?: number; concurrency?: number } = {},
): DeliveryWorker {
  return createDeliveryWorker({
    store,
    keyring,
    logger,
    metrics: createRouterMetrics(createMetricsRegistry({ service: 'outbox-test' })),
    url,
    secret: SECRET,
    timeoutMs: 2000,
    maxAttempts: over.maxAttempts ?? 10,
    backoff: { initialMs: 20, maxMs: 100 },
    concurrency: over.concurrency ?? 3,
    pollMs: 20,
    retentionMs: 86_400_000,
  });
}

describe('webhook outbox on PostgreSQL', () => {
  it('inserting the same action twice keeps one row', async () => {
    const a = makeAction({ actionId: 'dup:x:1' });
    expect(await store.insert([a, a])).toBe(1);
    expect(await store.insert([a])).toBe(0);
    await pool.query('delete from action_outbox');
  });

  it('two workers racing over 40 actions with a flaky receiver deliver each action id exactly once', async () => {
    // Every third request fails: retries interleave with first attempts across both workers.
    const receiver = await startReceiver(
      Array.from({ length: 400 }, (_, i) => (i % 3 === 1 ? 500 : 200)),
    );
    const ids = Array.from({ length: 40 }, (_, i) => `race:x:${i}`);
    await store.insert(ids.map((actionId) => makeAction({ actionId })));
    const workers = [worker(receiver.url), worker(receiver.url)];
    workers.forEach((w) => w.start());
    try {
      await waitFor(
        async () =>
          (
            await pool.query(
              `select count(*)::int as n from action_outbox where status = 'delivered'`,
            )
          ).rows[0].n === 40,
        { timeoutMs: 30_000, what: 'all 40 delivered' },
      );
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      await receiver.close();
    }
    const ok = receiver.requests
      .filter((r) => r.status === 200)
      .map((r) => r.headers['x-hark-action-id']);
    expect(ok.sort()).toEqual([...ids].sort());
    expect(receiver.requests.some((r) => r.status === 500)).toBe(true);
    await pool.query('delete from action_outbox');
  });

  it('an action the receiver always refuses is marked dead after the last attempt, with the reason', async () => {
    const receiver = await startReceiver([502]);
    await store.insert([makeAction({ actionId: 'dead:x:1' })]);
    const w = worker(receiver.url, { maxAttempts: 3 });
    w.start();
    try {
      const row = await waitFor(
        async () =>
          (
            await pool.query(
              `select status, attempts, last_error, last_http_status from action_outbox where action_id = 'dead:x:1' and status = 'dead'`,
            )
          ).rows[0],
        { timeoutMs: 15_000, what: 'the action to be dead' },
      );
      expect(row).toMatchObject({ status: 'dead', attempts: 3, last_http_status: 502 });
      expect(row.last_error).toMatch(/^HARK_ACTION_DELIVERY_FAILED: HTTP 502/);
    } finally {
      await w.close();
      await receiver.close();
    }
    expect(receiver.requests).toHaveLength(3);
  });

  it('a receiver that is down (connection refused) is retried and the action stays pending with the reason', async () => {
    const receiver = await startReceiver([200]);
    const url = receiver.url;
    await receiver.close();
    await store.insert([makeAction({ actionId: 'down:x:1' })]);
    const w = worker(url, { maxAttempts: 50 });
    w.start();
    try {
      await waitFor(
        async () =>
          (await pool.query(`select attempts from action_outbox where action_id = 'down:x:1'`))
            .rows[0].attempts >= 2,
        { timeoutMs: 10_000, what: 'two failed attempts' },
      );
      const { rows } = await pool.query(
        `select status, last_error from action_outbox where action_id = 'down:x:1'`,
      );
      expect(rows[0].status).toBe('pending');
      expect(rows[0].last_error).toMatch(/HARK_ACTION_DELIVERY_FAILED/);
    } finally {
      await w.close();
    }
    await pool.query('delete from action_outbox');
  });

  it.each([
    ['one envelope per mention (hk2)', 'a-77', encryptMentionPii],
    ['per-field envelopes written before hk2 (hk1)', 'a-78', encryptMentionPiiFields],
  ])(
    'personal fields sealed with the author key in %s are opened for the receiver; after the author is erased nothing is sent',
    async (format, authorId, seal) => {
      const receiver = await startReceiver([200]);
      const author = { id: authorId, handle: 'secret_handle', name: 'Secret Name' };
      const ref = `x:${author.id}`;
      const key = (await keyring.keysForWrite([ref])).get(ref)!;
      const sealedFor = (postId: string): Action => {
        const m = seal(
          makeMention({
            postId,
            text: 'private words',
            author: { ...makeMention().author, ...author },
          }),
          key,
        );
        const base = makeAction({ actionId: `sealed:${authorId}:${postId}` });
        return {
          ...base,
          mention: {
            ...base.mention,
            mentionId: m.mentionId,
            revision: m.revision,
            authorId: author.id,
            url: m.url,
            title: m.title,
            text: m.text,
            authorHandle: m.author.handle,
            authorName: m.author.name,
            sealed: m.sealed ? sealedToText(m.sealed) : null,
          },
        };
      };
      const first = sealedFor('1');
      const hk2 = format.endsWith('(hk2)');
      if (hk2)
        expect([first.mention.sealed?.slice(0, 4), first.mention.text]).toEqual(['hk2:', '']);
      else expect(isEnvelope(first.mention.text)).toBe(true);
      await store.insert([first]);
      const w = worker(receiver.url);
      w.start();
      try {
        const got = await waitFor(() => receiver.requests[0], {
          what: 'the sealed action delivered',
        });
        const body = JSON.parse(got.body) as { action: Action };
        expect(body.action.mention).toMatchObject({
          text: 'private words',
          authorHandle: 'secret_handle',
          authorName: 'Secret Name',
        });
        // The outbox keeps only the envelopes.
        const { rows } = await pool.query(
          `select action->'mention'->>'text' as t, action->'mention'->>'sealed' as s
           from action_outbox where action_id = $1`,
          [`sealed:${authorId}:1`],
        );
        if (hk2) expect([rows[0].t, rows[0].s.slice(0, 4)]).toEqual(['', 'hk2:']);
        else expect(isEnvelope(rows[0].t)).toBe(true);

        await keyring.shred([ref]);
        await store.insert([sealedFor('2')]);
        const row = await waitFor(
          async () =>
            (
              await pool.query(
                `select status, last_error from action_outbox where action_id = $1 and status = 'dead'`,
                [`sealed:${authorId}:2`],
              )
            ).rows[0],
          { what: 'the erased action to be dead' },
        );
        expect(row.last_error).toMatch(/^erased:/);
      } finally {
        await w.close();
        await receiver.close();
      }
      expect(receiver.requests).toHaveLength(1);
    },
  );
});
