import { createPool, type Pool } from '@hark/db';
import { hashEmail, mentionKeyIds, SEALED_VERSION } from '@hark/privacy';
import { readMessages, startPrivatePostgres, type PrivatePostgres } from '@hark/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logger, post, startCollector, type Harness } from './harness.ts';

const PERSONAL = {
  handle: 'zoe_quill_77',
  name: 'Zoë Quillfeather',
  location: 'Tromsø, Norway',
  email: 'Zoe.Quill@Example.ORG',
  text: 'My Acme router died during the Quillfeather family call',
  phone: '+47 912 34 567',
  inlineEmail: 'zoe.private@example.net',
};

const item = (id: string, over: Record<string, unknown> = {}) => ({
  platform: 'x',
  id,
  url: `https://x.com/${PERSONAL.handle}/status/${id}`,
  author: {
    id: 'zq-1',
    handle: PERSONAL.handle,
    name: PERSONAL.name,
    location: PERSONAL.location,
    email: PERSONAL.email,
    profileUrl: `https://x.com/${PERSONAL.handle}`,
  },
  text: `${PERSONAL.text}. Call me on ${PERSONAL.phone} or mail ${PERSONAL.inlineEmail}`,
  createdAt: new Date(Date.now() - 60_000).toISOString(),
  ...over,
});

describe('collector privacy on the real stack', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startCollector();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('when a mention is accepted, no personal value is readable in the raw topic bytes, and decryption restores it minimised', async () => {
    const res = await post(h.url, '/v1/mentions', [item('5001'), item('5002')]);
    expect(res.status).toBe(202);
    const raw = await readMessages(h.kafka, h.topics.mentions, 2);
    const bytes = Buffer.concat(raw.map((m) => m.value as Buffer));
    for (const v of [
      PERSONAL.handle,
      PERSONAL.name,
      PERSONAL.location,
      PERSONAL.email,
      PERSONAL.email.toLowerCase(),
      'Quillfeather',
      'router died',
      PERSONAL.inlineEmail,
      '912 34 567',
    ]) {
      expect(bytes.includes(Buffer.from(v)), v).toBe(false);
    }
    const stored = await h.storedMentions(2);
    for (const { value } of stored) {
      // One envelope per mention; the personal fields in clear are placeholders.
      expect(value.sealed?.[0]).toBe(SEALED_VERSION);
      expect([value.text, value.author.handle, value.author.name, value.url]).toEqual([
        '',
        '',
        null,
        null,
      ]);
      expect(value.author.id).toBe('zq-1');
      expect(value.brands).toEqual(['acme']);
    }
    // Both mentions of one author share one key.
    expect(new Set(stored.flatMap(({ value }) => mentionKeyIds(value))).size).toBe(1);

    const clear = await h.mentions(2);
    const m = clear.find((r) => r.key === 'x:5001')!.value;
    expect(m.author).toMatchObject({
      handle: PERSONAL.handle,
      name: PERSONAL.name,
      location: PERSONAL.location,
      email: hashEmail(PERSONAL.email),
    });
    expect(m.text).toBe(`${PERSONAL.text}. Call me on [phone] or mail [email]`);
    expect(m.url).toBe(`https://x.com/${PERSONAL.handle}/status/5001`);
  });

  it('when the author is shredded, the stored mentions read as erased', async () => {
    const stored = await h.storedMentions(2);
    expect(await h.keyring.shred(['x:zq-1'])).toBe(1);
    const keys = await h.keyring.keysForRead(mentionKeyIds(stored[0]!.value));
    expect([...keys.values()]).toEqual([null]);
  });
});

describe('collector with its keyring database down', () => {
  let pg: PrivatePostgres;
  let pool: Pool;
  let h: Harness;
  beforeAll(async () => {
    pg = await startPrivatePostgres();
    pool = createPool({ url: pg.url, logger, max: 2 });
    h = await startCollector({ keyringPool: pool });
  }, 120_000);
  afterAll(async () => {
    await h?.close().catch(() => {});
    await pool?.end().catch(() => {});
    await pg?.dispose();
  }, 60_000);

  it('when PostgreSQL is down, ingest answers 503 with Retry-After and produces nothing; after it returns, 202', async () => {
    await pg.stop('fast');
    const res = await post(h.url, '/v1/mentions', [
      item('6001', { author: { id: 'u6', handle: 'u6' } }),
    ]);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await res.json()) as { code: string }).code).toBe('HARK_DB_UNAVAILABLE');
    expect(await h.count(h.topics.mentions)).toBe(0);

    await pg.start();
    const again = await post(h.url, '/v1/mentions', [
      item('6001', { author: { id: 'u6', handle: 'u6' } }),
    ]);
    expect(again.status).toBe(202);
    expect(await h.count(h.topics.mentions)).toBe(1);
  }, 90_000);
});
