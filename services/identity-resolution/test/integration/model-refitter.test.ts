import { createPool, migrate, type Pool } from '@hark/db';
import { createLogger, createMetricsRegistry } from '@hark/observability';
import { createTestDatabase, waitFor } from '@hark/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomerRepository } from '../../src/adapters/customer-repository.ts';
import { createIndexRefresher, type IndexRefresher } from '../../src/adapters/index-refresher.ts';
import { createModelRefitter, type ModelRefitter } from '../../src/adapters/model-refitter.ts';
import { createModelRepository } from '../../src/adapters/model-repository.ts';
import type { AuthorInput } from '../../src/domain/author.ts';
import { validateCustomer, type Customer } from '../../src/domain/customer.ts';
import { CustomerIndex } from '../../src/domain/customer-index.ts';
import { DEFAULT_MATCH_OPTIONS, Matcher } from '../../src/domain/match-author.ts';
import { DEFAULT_MODEL } from '../../src/domain/scoring.ts';
import { MIGRATIONS_DIR, SERVICE } from '../../src/schema.ts';

const logger = createLogger({ service: 'refitter-test', level: 'silent' });
const FIRST = [
  'anna',
  'brendan',
  'carla',
  'dmitri',
  'elise',
  'farid',
  'greta',
  'hamish',
  'ines',
  'jonas',
];
const LAST = [
  'abernathy',
  'bellweather',
  'castellano',
  'dunmore',
  'eriksen',
  'fairbairn',
  'gallagher',
  'hollis',
  'ibarra',
  'jankowski',
  'kowalczyk',
  'lindqvist',
];
const TOWNS = ['leeds', 'adelaide', 'denver', 'toronto', 'cork'];
/** Names no customer has: the strangers in the traffic. */
const OTHER_FIRST = ['kwame', 'lorcan', 'mireille', 'nikolai', 'oksana'];
const OTHER_LAST = [
  'quimby',
  'rutherford',
  'sokolova',
  'thornbury',
  'underhill',
  'vasquez',
  'whitlock',
];

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
let refresher: IndexRefresher;
const index = new CustomerIndex();
const refitters: ModelRefitter[] = [];
const people: { first: string; last: string; town: string }[] = [];

function customer(i: number): Customer {
  const p = people[i]!;
  const v = validateCustomer({
    externalId: `C${i}`,
    firstName: p.first,
    lastName: p.last,
    city: p.town,
  });
  if (!v.ok) throw new Error('bad fixture');
  return v.customer;
}

/** Traffic: every other author is a customer (name and town as in the CRM), the rest strangers. */
function traffic(n: number, offset: number): AuthorInput[] {
  return Array.from({ length: n }, (_, k) => {
    const i = offset + k;
    const p = people[(i * 7) % people.length]!;
    const stranger = i % 2 === 1;
    return {
      platform: 'x',
      id: `a${i}`,
      handle: `user${i}`,
      name: stranger
        ? `${OTHER_FIRST[i % OTHER_FIRST.length]} ${OTHER_LAST[i % OTHER_LAST.length]}`
        : `${p.first} ${p.last}`,
      email: null,
      location: stranger ? TOWNS[(i + 2) % TOWNS.length]! : p.town,
      verified: false,
    };
  });
}

function refitterFor(matcher: Matcher, intervalMs: number): ModelRefitter {
  const r = createModelRefitter({
    models: createModelRepository({ pool }),
    index,
    matcher,
    base: DEFAULT_MODEL,
    logger,
    registry: createMetricsRegistry({ service: 'refitter-test', defaults: false }),
    intervalMs,
    sampleSize: 1000,
    minAuthors: 50,
  });
  refitters.push(r);
  return r;
}

const modelNote = (matcher: Matcher, a: AuthorInput) =>
  matcher.resolve(a).evidence.find((e) => e.kind === 'model')?.detail ?? '';

beforeAll(async () => {
  for (const first of FIRST)
    for (const last of LAST)
      people.push({ first, last, town: TOWNS[people.length % TOWNS.length]! });
  db = await createTestDatabase();
  pool = createPool({ url: db.url, logger });
  await migrate({ pool, scope: SERVICE, dir: MIGRATIONS_DIR, logger });
  const customers = createCustomerRepository({ pool });
  await customers.upsertMany(people.map((_, i) => customer(i)));
  refresher = createIndexRefresher({
    pool,
    customers,
    index,
    logger,
    registry: createMetricsRegistry({ service: 'refitter-test', defaults: false }),
    intervalMs: 60_000,
  });
  await refresher.start();
});

afterAll(async () => {
  for (const r of refitters) await r.close();
  await refresher?.close();
  await pool?.end();
  await db?.drop();
});

describe('the matching model is re-estimated from traffic', () => {
  it('fits periodically, stores each version and uses it without a restart', async () => {
    const matcher = new Matcher(index, DEFAULT_MATCH_OPTIONS);
    const refitter = refitterFor(matcher, 200);
    await refitter.start();
    const probe = traffic(1, 0)[0]!;
    // Before any traffic: the cautious built-in prior leaves the customer a prospect.
    expect(matcher.activeModel).toBeNull();
    expect(matcher.resolve(probe).status).toBe('prospect');

    for (const a of traffic(200, 0)) refitter.observe(a);
    await waitFor(() => matcher.activeModel !== null, {
      timeoutMs: 10_000,
      what: 'a fitted model',
    });
    expect(modelNote(matcher, probe)).toMatch(/^model v1 fitted .* from 200 authors/);
    const { rows } = await pool.query<{ version: string; prior: number; authors: number }>(
      'select version, prior, authors from match_models order by version',
    );
    expect(rows.map((r) => Number(r.version))).toEqual([1]);
    // Half of the traffic is customers: the learned share says so, roughly.
    expect(rows[0]!.prior).toBeGreaterThan(0.25);
    expect(rows[0]!.prior).toBeLessThan(0.75);
    // The learned prior, not the cold-start one, decides: the customer now links.
    expect(matcher.resolve(probe).status).toBe('linked');

    // More traffic, in which fewer authors are customers: a second version, in force at once.
    const strangers = traffic(300, 1000).filter((_, i) => i % 2 === 1);
    for (const a of [...traffic(40, 2000), ...strangers]) refitter.observe(a);
    await waitFor(() => matcher.activeModel?.label.startsWith('model v2') ?? false, {
      timeoutMs: 10_000,
      what: 'model v2 in force',
    });
    const v2 = await pool.query<{ prior: number }>(
      'select prior from match_models where version = 2',
    );
    expect(v2.rows[0]!.prior).toBeLessThan(rows[0]!.prior);
  });

  it('another instance, or this one restarted, starts with the latest stored version', async () => {
    const matcher = new Matcher(index, DEFAULT_MATCH_OPTIONS);
    await refitterFor(matcher, 0).start();
    expect(matcher.activeModel?.label).toMatch(/^model v2 /);
  });

  it('too few authors since the last fit: nothing is stored, the model in force stays', async () => {
    const matcher = new Matcher(index, DEFAULT_MATCH_OPTIONS);
    const r = refitterFor(matcher, 0);
    await r.start();
    for (const a of traffic(10, 5000)) r.observe(a);
    expect(await r.refit()).toBeNull();
    const { rows } = await pool.query('select 1 from match_models');
    expect(rows.length).toBe(2);
  });
});
