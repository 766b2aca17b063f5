import type { Pool, PoolClient } from '@hark/db';
import type { Customer, CustomerHandle, StoredCustomer } from '../domain/customer.ts';

export interface UpsertOutcome {
  inserted: number;
  updated: number;
  /** Rows whose data was already stored as sent: not rewritten, so nothing downstream churns. */
  unchanged: number;
  /** external id → what happened to it. */
  byExternalId: Map<string, 'inserted' | 'updated' | 'unchanged'>;
}

export interface CustomerRow extends StoredCustomer {
  createdAt: string;
  updatedAt: string;
}

export interface CustomerRepository {
  /** Idempotent upsert by external id in one statement; the caller passes each external id once. */
  upsertMany(customers: readonly Customer[], client?: PoolClient): Promise<UpsertOutcome>;
  get(externalId: string): Promise<CustomerRow | null>;
  idOf(externalId: string): Promise<number | null>;
  /**
   * Reads every customer (or those changed since `watermark`) in id order,
   * page by page, inside one repeatable-read snapshot, with just the columns
   * matching uses (no phones). Returns the next watermark: the snapshot's
   * xmin, below which every transaction is finished and was seen.
   */
  scan(
    visit: (c: StoredCustomer) => void,
    opts?: { sinceWatermark?: string; pageSize?: number },
  ): Promise<{ watermark: string; rows: number }>;
}

// Arrays travel as one text per row joined by the unit separator, since
// unnest() cannot yield a text[] per row from a text[][] parameter.
const SEP = '\u001f';

const COLUMNS = `id::float8 as id, external_id, first_name, last_name, full_name, emails, phones, company,
  city, region, country, tier, value, handles, attributes`;

// Arrays come back joined by the unit separator and split here: pg's generic array and
// jsonb parsers cost more than the rest of a 1M-row load.
const SCAN_COLUMNS = `id::float8 as id, external_id, first_name, last_name,
  case when first_name is null and last_name is null then full_name end as full_name,
  array_to_string(emails, chr(31)) as emails, company, city, region, country, tier, value,
  case when handles = '[]'::jsonb then null else handles::text end as handles,
  attributes->>'website' as website`;

interface ScanRow {
  id: number;
  external_id: string;
  first_name: string | null;
  last_name: string | null;
  full_name: string | null;
  emails: string;
  company: string | null;
  city: string | null;
  region: string | null;
  country: string | null;
  tier: string | null;
  value: number | null;
  handles: string | null;
  /** The one extra column matching reads; the index needs no other. */
  website: string | null;
  /** Only on the change feed. */
  change_xid?: string;
}

function fromScanRow(r: ScanRow): StoredCustomer {
  return {
    id: r.id,
    externalId: r.external_id,
    firstName: r.first_name,
    lastName: r.last_name,
    fullName: r.full_name,
    emails: r.emails ? r.emails.split(SEP) : [],
    phones: [],
    company: r.company,
    city: r.city,
    region: r.region,
    country: r.country,
    tier: r.tier,
    value: r.value,
    handles: r.handles ? (JSON.parse(r.handles) as CustomerHandle[]) : [],
    attributes: r.website ? { website: r.website } : {},
  };
}

interface DbRow {
  id: number;
  external_id: string;
  first_name: string | null;
  last_name: string | null;
  full_name: string | null;
  emails: string[];
  phones: string[];
  company: string | null;
  city: string | null;
  region: string | null;
  country: string | null;
  tier: string | null;
  value: number | null;
  handles: CustomerHandle[];
  attributes: Record<string, string>;
}

function fromRow(r: DbRow): StoredCustomer {
  return {
    id: Number(r.id),
    externalId: r.external_id,
    firstName: r.first_name,
    lastName: r.last_name,
    fullName: r.full_name,
    emails: r.emails,
    phones: r.phones,
    company: r.company,
    city: r.city,
    region: r.region,
    country: r.country,
    tier: r.tier,
    value: r.value,
    handles: r.handles,
    attributes: r.attributes,
  };
}

export function createCustomerRepository(deps: { pool: Pool }): CustomerRepository {
  const { pool } = deps;
  return {
    async upsertMany(customers, client) {
      const outcome: UpsertOutcome = {
        inserted: 0,
        updated: 0,
        unchanged: 0,
        byExternalId: new Map(),
      };
      if (customers.length === 0) return outcome;
      const col = <T>(f: (c: Customer) => T) => customers.map(f);
      const { rows } = await (client ?? pool).query<{ external_id: string; inserted: boolean }>({
        name: 'identity-upsert-customers',
        text: `
        insert into customers as c (external_id, first_name, last_name, full_name, emails, phones, company,
          city, region, country, tier, value, handles, attributes)
        select x.external_id, x.first_name, x.last_name, x.full_name,
          case when x.emails = '' then '{}'::text[] else string_to_array(x.emails, chr(31)) end,
          case when x.phones = '' then '{}'::text[] else string_to_array(x.phones, chr(31)) end,
          x.company, x.city, x.region, x.country, x.tier, x.value, x.handles::jsonb, x.attributes::jsonb
        from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
          $8::text[], $9::text[], $10::text[], $11::text[], $12::float8[], $13::text[], $14::text[])
          as x(external_id, first_name, last_name, full_name, emails, phones, company,
               city, region, country, tier, value, handles, attributes)
        on conflict (external_id) do update set
          first_name = excluded.first_name, last_name = excluded.last_name, full_name = excluded.full_name,
          emails = excluded.emails, phones = excluded.phones, company = excluded.company,
          city = excluded.city, region = excluded.region, country = excluded.country,
          tier = excluded.tier, value = excluded.value, handles = excluded.handles,
          attributes = excluded.attributes
        -- An erased customer stays erased: a CRM export that still lists them changes nothing.
        where c.erased_at is null
          and (c.first_name, c.last_name, c.full_name, c.emails, c.phones, c.company, c.city, c.region,
               c.country, c.tier, c.value, c.handles, c.attributes)
          is distinct from (excluded.first_name, excluded.last_name, excluded.full_name, excluded.emails,
               excluded.phones, excluded.company, excluded.city, excluded.region, excluded.country,
               excluded.tier, excluded.value, excluded.handles, excluded.attributes)
        returning c.external_id, (c.xmax::text = '0') as inserted`,
        values: [
          col((c) => c.externalId),
          col((c) => c.firstName),
          col((c) => c.lastName),
          col((c) => c.fullName),
          col((c) => c.emails.join(SEP)),
          col((c) => c.phones.join(SEP)),
          col((c) => c.company),
          col((c) => c.city),
          col((c) => c.region),
          col((c) => c.country),
          col((c) => c.tier),
          col((c) => c.value),
          col((c) => JSON.stringify(c.handles)),
          col((c) => JSON.stringify(c.attributes ?? {})),
        ],
      });
      for (const r of rows) {
        outcome.byExternalId.set(r.external_id, r.inserted ? 'inserted' : 'updated');
        if (r.inserted) outcome.inserted++;
        else outcome.updated++;
      }
      for (const c of customers) {
        if (!outcome.byExternalId.has(c.externalId)) {
          outcome.byExternalId.set(c.externalId, 'unchanged');
          outcome.unchanged++;
        }
      }
      return outcome;
    },

    async get(externalId) {
      const { rows } = await pool.query<DbRow & { created_at: string; updated_at: string }>(
        `select ${COLUMNS}, to_json(created_at)#>>'{}' as created_at, to_json(updated_at)#>>'{}' as updated_at
         from customers where external_id = $1`,
        [externalId],
      );
      const r = rows[0];
      return r ? { ...fromRow(r), createdAt: r.created_at, updatedAt: r.updated_at } : null;
    },

    async idOf(externalId) {
      const { rows } = await pool.query<{ id: number }>(
        'select id::float8 as id from customers where external_id = $1',
        [externalId],
      );
      return rows[0] ? Number(rows[0].id) : null;
    },

    async scan(visit, opts = {}) {
      const pageSize = opts.pageSize ?? 20_000;
      const client = await pool.connect();
      try {
        await client.query('begin isolation level repeatable read read only');
        const snap = await client.query<{ xmin: string }>(
          'select pg_snapshot_xmin(pg_current_snapshot())::text as xmin',
        );
        // The full load pages by id; the change feed by (change_xid, id), a range scan on
        // customers_change_xid_id_idx that touches only what changed.
        const page = (after: { id: number; xid: string }): Promise<{ rows: ScanRow[] }> =>
          opts.sinceWatermark
            ? client.query<ScanRow>({
                name: 'identity-scan-changed',
                text: `select ${SCAN_COLUMNS}, change_xid::text as change_xid from customers
                       where (change_xid, id) > ($1::xid8, $2::bigint) order by change_xid, id limit $3`,
                values: [after.xid, after.id, pageSize],
              })
            : client.query<ScanRow>({
                name: 'identity-scan-all',
                text: `select ${SCAN_COLUMNS} from customers where id > $1 order by id limit $2`,
                values: [after.id, pageSize],
              });
        let total = 0;
        let pending: Promise<{ rows: ScanRow[] }> | null = page({
          id: -1,
          xid: opts.sinceWatermark ?? '0',
        });
        while (pending) {
          const { rows }: { rows: ScanRow[] } = await pending;
          const last = rows[rows.length - 1];
          // Ask for the next page before folding this one: PostgreSQL works while we index.
          pending =
            rows.length === pageSize && last
              ? page({ id: Number(last.id), xid: last.change_xid ?? '0' })
              : null;
          for (const r of rows) visit(fromScanRow(r));
          total += rows.length;
        }
        await client.query('commit');
        return { watermark: snap.rows[0]!.xmin, rows: total };
      } catch (err) {
        await client.query('rollback').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
  };
}
