import { createPool, migrate, type Pool } from '@hark/db';
import { createLogger } from '@hark/observability';
import { createTestDatabase } from '@hark/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomerRepository } from '../../src/adapters/customer-repository.ts';
import {
  createIdentityRepository,
  type IdentityRepository,
} from '../../src/adapters/identity-repository.ts';
import type { IdentityWrite } from '../../src/domain/decide-author.ts';
import { validateCustomer } from '../../src/domain/customer.ts';
import { MIGRATIONS_DIR, SERVICE } from '../../src/schema.ts';

const logger = createLogger({ service: 'identity-repo-test', level: 'silent' });
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
let repo: IdentityRepository;
const ids: Record<string, number> = {};

beforeAll(async () => {
  db = await createTestDatabase();
  pool = createPool({ url: db.url, logger });
  await migrate({ pool, scope: SERVICE, dir: MIGRATIONS_DIR, logger });
  const customers = createCustomerRepository({ pool });
  const drafts = ['A', 'B'].map((x) =>
    validateCustomer({ externalId: `CRM-${x}`, firstName: x, lastName: 'Test' }),
  );
  await customers.upsertMany(drafts.map((d) => (d.ok ? d.customer : null)!));
  for (const x of ['A', 'B']) ids[x] = (await customers.idOf(`CRM-${x}`))!;
  repo = createIdentityRepository({ pool });
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

const write = (
  authorId: string,
  customer: 'A' | 'B',
  status: 'linked' | 'review' = 'linked',
): IdentityWrite => ({
  platform: 'x',
  authorId,
  handle: authorId,
  customerId: ids[customer]!,
  status,
  confidence: status === 'linked' ? 0.99 : 0.7,
  method: 'fuzzy',
  evidence: [{ kind: 'last_name', detail: 'display name: exact', weight: 9 }],
  candidates: [],
});

describe('storing decisions: one author is never linked to two customers', () => {
  it('a link to another customer does not overwrite an existing link', async () => {
    const first = await repo.writeMany([write('a1', 'A')]);
    expect(first.get('x:a1')).toMatchObject({
      written: true,
      identity: { externalId: 'CRM-A', status: 'linked' },
    });
    const second = await repo.writeMany([write('a1', 'B')]);
    expect(second.get('x:a1')).toMatchObject({ written: false, identity: { externalId: 'CRM-A' } });
  });

  it('a pending review is open to a better decision', async () => {
    await repo.writeMany([write('a2', 'A', 'review')]);
    const upgraded = await repo.writeMany([write('a2', 'B', 'linked')]);
    expect(upgraded.get('x:a2')).toMatchObject({
      written: true,
      identity: { externalId: 'CRM-B', status: 'linked' },
    });
  });

  it('a link is never downgraded to review', async () => {
    await repo.writeMany([write('a3', 'A', 'linked')]);
    const r = await repo.writeMany([write('a3', 'A', 'review')]);
    expect(r.get('x:a3')).toMatchObject({ written: false, identity: { status: 'linked' } });
  });

  it('the system never overwrites a human decision', async () => {
    await repo.writeMany([write('a4', 'A', 'review')]);
    await repo.reject({ platform: 'x', authorId: 'a4', reviewer: 'ana' }, async () => {});
    const r = await repo.writeMany([write('a4', 'A', 'linked')]);
    expect(r.get('x:a4')).toMatchObject({
      written: false,
      identity: { status: 'rejected', decidedBy: 'ana' },
    });
  });

  it('two instances racing over one author during a rebalance agree on one customer', async () => {
    const authors = Array.from({ length: 50 }, (_, i) => `race-${i}`);
    const [one, two] = await Promise.all([
      repo.writeMany(authors.map((a) => write(a, 'A'))),
      repo.writeMany(authors.map((a) => write(a, 'B'))),
    ]);
    for (const a of authors) {
      const x = one.get(`x:${a}`)!;
      const y = two.get(`x:${a}`)!;
      expect(x.identity.externalId).toBe(y.identity.externalId);
      expect(Number(x.written) + Number(y.written)).toBeGreaterThanOrEqual(1);
    }
    const { rows } = await pool.query(
      `select count(distinct customer_id)::int as n from social_identities where author_id = 'race-0'`,
    );
    expect(rows[0].n).toBe(1);
  });

  it('loads the stored decisions of a batch in one query', async () => {
    const m = await repo.loadMany([
      { platform: 'x', authorId: 'a1' },
      { platform: 'x', authorId: 'nobody' },
      { platform: 'x', authorId: 'a4' },
    ]);
    expect([...m.keys()].sort()).toEqual(['x:a1', 'x:a4']);
  });
});
