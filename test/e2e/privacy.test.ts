/**
 * Deletions and the right to erasure, end to end on the real stack: the four
 * services as processes on private topics and a private database
 * (test/support/pipeline.ts). A CRM customer with a distinctive name, e-mail
 * and handle posts several mentions beside other people; an export returns
 * everything planted; a platform delete through the collector's API removes
 * one mention and its window drops by exactly one; `hark privacy erase
 * --customer … --wait` completes; then no table of the database and no byte
 * of any topic holds the person's name, handle, e-mail or any of their post
 * texts, and the KPI totals equal a recount of the facts that remain.
 */
import type { DemoCustomer } from '@hark/traffic';
import { uniqueName } from '@hark/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, type Pipeline } from '../support/pipeline.ts';

const runId = `prv${Date.now().toString(36)}`;
const CUSTOMER = `PRIV-${runId}`;
const FIRST = 'Quillon';
const LAST = 'Marrowvale';
const NAME = `${FIRST} ${LAST}`;
const EMAIL = `quillon.marrowvale.${runId}@privacy-e2e.example`;
const HANDLE = `qmarrowvale${runId}`;
const AUTHOR_ID = `91${Date.now() % 1e9}`;
const MINUTE = 60_000;
const base = Math.floor((Date.now() - 60 * MINUTE) / MINUTE) * MINUTE;

const plantedTexts = [
  `My Acme router ${runId} blinks red again, third night in a row zephyrquill`,
  `Acme support ${runId} promised a technician, nobody came marrowquest`,
  `Thinking of leaving Acme ${runId} for good after this week quillonmarch`,
];
const planted = plantedTexts.map((text, i) => ({
  platform: 'x',
  id: `${runId}-p${i}`,
  author: { id: AUTHOR_ID, handle: HANDLE, name: NAME, email: EMAIL, followers: 120 },
  text,
  createdAt: new Date(base + i * 7 * MINUTE).toISOString(),
}));
const others = Array.from({ length: 6 }, (_, i) => ({
  platform: 'x',
  id: `${runId}-o${i}`,
  author: {
    id: `93${i}${Date.now() % 1e6}`,
    handle: `bystander${i}${runId}`,
    name: `Bystander ${i}`,
  },
  text: `Acme fiber ${runId} works fine today, speed test number ${i}`,
  createdAt: new Date(base + (i * 5 + 2) * MINUTE).toISOString(),
}));
const deleted = others[3]!;

const customers: DemoCustomer[] = [
  {
    externalId: CUSTOMER,
    firstName: FIRST,
    lastName: LAST,
    email: EMAIL,
    phone: '+44 20 7946 0321',
    company: null,
    city: 'Ludlow',
    country: 'GB',
    tier: 'gold',
    value: 4200,
    xHandle: HANDLE,
  },
  {
    externalId: `OTHER-${runId}`,
    firstName: 'Ada',
    lastName: 'Brightwater',
    email: `ada.${runId}@privacy-e2e.example`,
    phone: '+44 20 7946 0999',
    company: null,
    city: 'York',
    country: 'GB',
    tier: 'silver',
    value: 100,
    xHandle: null,
  },
];

let p: Pipeline;

beforeAll(async () => {
  p = await createPipeline({ label: 'privacy', partitions: 2 });
  await p.loadCrm(customers);
  await p.startAll();
}, 300_000);

afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') await p?.printLogTails(40);
});

afterAll(async () => {
  await p?.dispose();
}, 120_000);

async function query<T extends Record<string, unknown>>(sql: string, values: unknown[] = []) {
  return (await p.db.query<T>(sql, values)).rows;
}

async function waitUntil(what: string, fn: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await fn().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Every record of a topic, key and value as raw bytes. */
async function rawRecords(topic: string): Promise<{ key: Buffer | null; value: Buffer | null }[]> {
  const admin = p.kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const want = ends.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
  if (want === 0) return [];
  const consumer = p.kafka.consumer({
    groupId: uniqueName('privacy-e2e-scan'),
    maxWaitTimeInMs: 100,
  });
  const out: { key: Buffer | null; value: Buffer | null }[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read ${out.length} of ${want} records of ${topic}`)),
        60_000,
      );
      void consumer.run({
        eachMessage: async ({ message }) => {
          out.push({ key: message.key, value: message.value });
          if (out.length >= want) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}

const needles = () =>
  [NAME, FIRST, LAST, HANDLE, EMAIL, ...plantedTexts].map((n) => n.toLowerCase());

/** `table: needle` for every row of every base table (cast to text) that holds a needle. */
async function scanTables(find: readonly string[]): Promise<{ tables: number; hits: string[] }> {
  const tables = await query<{ schema: string; name: string }>(
    `select table_schema as schema, table_name as name from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
  );
  const hits = new Set<string>();
  for (const t of tables) {
    const ident = `"${t.schema.replaceAll('"', '""')}"."${t.name.replaceAll('"', '""')}"`;
    const rows = await query<{ row: string }>(`select lower(t::text) as row from ${ident} t`);
    for (const { row } of rows)
      for (const n of find) if (row.includes(n)) hits.add(`${t.name}: "${n}"`);
  }
  return { tables: tables.length, hits: [...hits].sort() };
}

/** `topic: needle` for every record (key and value bytes as UTF-8) of every run topic holding a needle. */
async function scanTopics(find: readonly string[]): Promise<{ records: number; hits: string[] }> {
  const hits = new Set<string>();
  let records = 0;
  for (const [name, topic] of Object.entries(p.topics)) {
    for (const r of await rawRecords(topic)) {
      records++;
      const bytes =
        `${r.key?.toString('utf8') ?? ''}\u0000${r.value?.toString('utf8') ?? ''}`.toLowerCase();
      for (const n of find) if (bytes.includes(n)) hits.add(`${name}: "${n}"`);
    }
  }
  return { records, hits: [...hits].sort() };
}

describe('privacy end to end', () => {
  it('plants a customer and their mentions among other people, all rolled up and linked', async () => {
    const report = await p.sendMentions([...planted, ...others], { batchSize: 50 });
    expect(report.accepted.size).toBe(planted.length + others.length);
    await p.waitForMentions(runId, planted.length + others.length, 180_000);
    await waitUntil(
      'the planted author to be linked to the customer in the facts',
      async () => {
        const rows = await query<{ n: number }>(
          `select count(*)::int as n from mentions where customer_id = $1`,
          [CUSTOMER],
        );
        return rows[0]!.n === planted.length;
      },
      60_000,
    );
  });

  it('an export returns every record planted for the person', async () => {
    const res = await p.hark(['privacy', 'export', '--customer', CUSTOMER]);
    expect(res.code, res.stderr).toBe(0);
    const doc = JSON.parse(res.stdout) as {
      customer: Record<string, unknown>;
      identityLinks: { platform: string; authorId: string; handle: string | null }[];
      mentions: { mention_id: string; text: string; author_handle: string }[];
    };
    expect(doc.customer).toMatchObject({ externalId: CUSTOMER, firstName: FIRST, lastName: LAST });
    expect(doc.customer.emails).toEqual([EMAIL]);
    expect(doc.identityLinks).toEqual([
      expect.objectContaining({ platform: 'x', authorId: AUTHOR_ID, handle: HANDLE }),
    ]);
    expect(doc.mentions.map((m) => m.mention_id).sort()).toEqual(
      planted.map((m) => `x:${m.id}`).sort(),
    );
    expect(doc.mentions.map((m) => m.text).sort()).toEqual([...plantedTexts].sort());
  });

  it('a platform post_deleted through the collector removes that mention and its window drops by exactly one', async () => {
    const window = new Date(Math.floor(Date.parse(deleted.createdAt) / MINUTE) * MINUTE);
    const countIn = async () =>
      Number(
        (
          await query<{ n: string }>(
            `select coalesce(sum(mentions), 0) as n from rollup_minute
              where brand = 'acme' and platform = 'x' and window_start = $1`,
            [window],
          )
        )[0]!.n,
      );
    const before = await countIn();
    expect(before).toBeGreaterThanOrEqual(1);
    const res = await p.request(
      '/v1/compliance',
      JSON.stringify({
        kind: 'post_deleted',
        platform: 'x',
        postId: deleted.id,
        authorId: deleted.author.id,
      }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    await waitUntil(
      'the deleted mention to leave the facts',
      async () =>
        (await query(`select 1 from mentions where mention_id = $1`, [`x:${deleted.id}`]))
          .length === 0,
      60_000,
    );
    await waitUntil(
      'the window to be restated',
      async () => (await countIn()) === before - 1,
      30_000,
    );
    expect(await countIn()).toBe(before - 1);
  });

  it('before the erasure the same scans find the person in PostgreSQL, and read every topic', async () => {
    // The scans can fail: the CRM row and the facts hold the person until the erasure.
    const tables = await scanTables(needles());
    expect(tables.hits).toEqual(expect.arrayContaining([`customers: "${NAME.toLowerCase()}"`]));
    // Topic values are encrypted by the collector; a control proves the scan reads them:
    // mention ids are keys in clear.
    const control = `x:${others[0]!.id}`.toLowerCase();
    const topics = await scanTopics([control]);
    expect(topics.hits).toEqual(
      expect.arrayContaining([`raw: "${control}"`, `resolved: "${control}"`]),
    );
  });

  it('hark privacy erase --customer --wait completes with an audit record', async () => {
    const res = await p.hark(
      [
        'privacy',
        'erase',
        '--customer',
        CUSTOMER,
        '--requested-by',
        'e2e-dpo',
        '--reason',
        'gdpr-art17',
        '--wait',
        '--timeout',
        '120',
      ],
      180_000,
    );
    expect(res.code, `${res.stderr}\n${res.stdout}`).toBe(0);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read as plain JSON
    const status = JSON.parse(res.stdout.trim().split('\n').at(-1)!) as Record<string, any>;
    expect(status).toMatchObject({ status: 'completed', subjectKind: 'customer', waitingFor: 0 });
    expect(status.counts).toMatchObject({ linksRemoved: 1, keysShredded: 1, customersErased: 1 });
    expect(status.counts.factsRemoved).toBeGreaterThanOrEqual(planted.length);
  });

  it('no table of the database holds the name, handle, e-mail or any post text', async () => {
    const { tables, hits } = await scanTables(needles());
    expect(tables).toBeGreaterThan(5);
    expect(hits).toEqual([]);
  });

  it('no record of any topic holds the name, handle, e-mail or any post text', async () => {
    const { records, hits } = await scanTopics(needles());
    expect(records).toBeGreaterThan(planted.length + others.length);
    expect(hits).toEqual([]);
  });

  it('KPI totals equal a recount of the facts that remain, at every grain', async () => {
    const facts = await query<{ brand: string; n: string }>(
      `select b as brand, count(*) as n from mentions m, unnest(m.brands) b group by b`,
    );
    const recount = Object.fromEntries(facts.map((r) => [r.brand, Number(r.n)]));
    expect(recount.acme).toBe(others.length - 1);
    for (const grain of ['minute', 'hour', 'day'] as const) {
      const totals = await p.rollupTotals(grain);
      expect(Object.fromEntries([...totals.byBrand].filter(([, n]) => n !== 0)), grain).toEqual(
        recount,
      );
    }
  });
});
