import { HarkError, isHarkError } from '@hark/errors';
import type { Pool, PoolClient } from '@hark/db';
import { SHRED_CHANNEL } from './shred-listener.ts';

/** A row of `privacy_data_keys`: the data key wrapped with master key `kek_id`. */
export interface KeyRow {
  author_ref: string;
  key_id: string;
  wrapped_key: Buffer;
  kek_id: string;
}

type Db = Pool | PoolClient;

const NOTIFY_CHUNK = 250; // 250 × 23 bytes stays under NOTIFY's 8000-byte payload limit

/**
 * Inserts the new keys and reads the ones that exist, by author ref. The
 * answer has a row for every ref unless the key was shredded in between.
 */
export async function insertOrReadKeys(
  db: Db,
  fresh: { authorRefs: string[]; keyIds: string[]; wrapped: Buffer[]; kekId: string },
): Promise<Map<string, KeyRow>> {
  // One statement: insert what is new, read what exists. A key committed by
  // another process after this statement's snapshot is neither inserted nor
  // visible; the follow-up select below finds it.
  const rows = await query<KeyRow>(
    db,
    `with input as (
       select * from unnest($1::text[], $2::text[], $3::bytea[]) as t(author_ref, key_id, wrapped_key)
     ), ins as (
       insert into privacy_data_keys (author_ref, key_id, wrapped_key, kek_id)
       select author_ref, key_id, wrapped_key, $4 from input
       on conflict (author_ref) do nothing
       returning author_ref, key_id, wrapped_key, kek_id
     )
     select author_ref, key_id, wrapped_key, kek_id from ins
     union all
     select k.author_ref, k.key_id, k.wrapped_key, k.kek_id
       from privacy_data_keys k join input i on i.author_ref = k.author_ref`,
    [fresh.authorRefs, fresh.keyIds, fresh.wrapped, fresh.kekId],
  );
  const found = new Map<string, KeyRow>();
  for (const r of rows) if (!found.has(r.author_ref)) found.set(r.author_ref, r);
  const raced = fresh.authorRefs.filter((r) => !found.has(r));
  if (raced.length > 0) {
    const more = await query<KeyRow>(
      db,
      'select author_ref, key_id, wrapped_key, kek_id from privacy_data_keys where author_ref = any($1::text[])',
      [raced],
    );
    for (const r of more) found.set(r.author_ref, r);
  }
  return found;
}

/** The live keys with these ids, and (with `shredded` true) the ids recorded as shredded. */
export function selectKeysById(
  db: Db,
  keyIds: readonly string[],
): Promise<(KeyRow & { shredded: boolean })[]> {
  return query(
    db,
    `select author_ref, key_id, wrapped_key, kek_id, false as shredded
       from privacy_data_keys where key_id = any($1::text[])
     union all
     select null, key_id, null, null, true from privacy_shredded_keys where key_id = any($1::text[])`,
    [keyIds],
  );
}

/**
 * Deletes the authors' keys, records their ids as shredded and notifies
 * `SHRED_CHANNEL`. NOTIFY is transactional: listeners hear it only when the
 * caller commits.
 */
export async function deleteKeysAndNotify(
  client: PoolClient,
  authorRefs: readonly string[],
): Promise<string[]> {
  const rows = await query<{ key_id: string }>(
    client,
    `with d as (
       delete from privacy_data_keys where author_ref = any($1::text[]) returning key_id
     ), t as (
       insert into privacy_shredded_keys (key_id) select key_id from d on conflict do nothing
     )
     select key_id from d`,
    [authorRefs],
  );
  const ids = rows.map((r) => r.key_id);
  for (let i = 0; i < ids.length; i += NOTIFY_CHUNK) {
    await query(client, 'select pg_notify($1, $2)', [
      SHRED_CHANNEL,
      ids.slice(i, i + NOTIFY_CHUNK).join(','),
    ]);
  }
  return ids;
}

/** Runs `fn` in a transaction of its own connection, with the keyring's error mapping. */
export async function inKeyringTransaction<T>(
  pool: Pool,
  fn: (client: PoolClient) => Promise<T>,
): Promise<T> {
  let c: PoolClient;
  try {
    c = await pool.connect();
  } catch (err) {
    throw dbError(err);
  }
  try {
    await query(c, 'begin', []);
    const result = await fn(c);
    await query(c, 'commit', []);
    return result;
  } catch (err) {
    await c.query('rollback').catch(() => {});
    throw err;
  } finally {
    c.release();
  }
}

async function query<R extends object>(db: Db, sql: string, params: unknown[]): Promise<R[]> {
  try {
    const res = await db.query<R>(sql, params);
    return res.rows;
  } catch (err) {
    throw dbError(err);
  }
}

function dbError(err: unknown): unknown {
  if (isHarkError(err)) return err;
  const code = (err as { code?: unknown }).code;
  // Syntax, undefined-table and data errors are bugs or a missing migration: not worth
  // retrying. Anything else (refused, reset, shutting down, not accepting connections,
  // pool timeout) is an outage the caller retries or answers 503 for.
  const permanent = typeof code === 'string' && /^(42|22|23)/.test(code);
  return new HarkError('HARK_DB_UNAVAILABLE', `keyring query failed: ${(err as Error).message}`, {
    cause: err,
    retriable: !permanent,
  });
}
