import { withTransaction, type Pool, type PoolClient, type TransactionErrors } from '@hark/db';
import {
  INTENTS,
  aggregateMentions,
  compareText,
  microsToDecimal,
  type AuthorMinute,
  type MentionRollupDelta,
} from '../domain/aggregate-mentions.ts';
import { ALL_REVISIONS } from '../domain/compliance.ts';
import type { MentionFact } from '../domain/mention-fact.ts';
import {
  authorDaysOf,
  classifyDelivery,
  counterChanges,
  rollupChanges,
  scrubFact,
  uniqueAuthorChanges,
  type AuthorDayActivity,
  type AuthorDayKey,
  type MentionKey,
  type RollupChange,
} from '../domain/restatement.ts';
import type { SignalFact } from '../domain/signal-fact.ts';
import { GRAINS, type Grain } from '../domain/windows.ts';
import {
  boolArray,
  boolArrayBinary,
  float8ArrayBinary,
  int8ArrayBinary,
  numberArray,
  textArray,
} from './pg-arrays.ts';
import { copyRows } from './pg-copy.ts';

export interface ApplyResult {
  /** Facts that were new and now count in the rollups. */
  applied: number;
  /** Facts already stored by an earlier delivery (same or lower revision); they changed nothing. */
  duplicates: number;
  /** Deliveries a compliance record suppressed (deleted post, erased or deleted author/customer). */
  suppressed?: number;
  /** Deliveries with a higher revision that restated their stored fact. */
  restated?: number;
}

/** Writes facts and their rollup increments; each call is one transaction, committed before it returns. */
export interface RollupStore {
  applyMentions(facts: readonly MentionFact[]): Promise<ApplyResult>;
  applySignals(facts: readonly SignalFact[]): Promise<ApplyResult>;
}

/**
 * The exactly-once write path. Per batch, in one transaction:
 * 1. claim the mention ids in `mention_keys` (ON CONFLICT DO NOTHING); the
 *    statement returns the claimed ids only;
 * 2. COPY the claimed facts into `mentions` (binary): the claim makes them new;
 * 3. pre-aggregate them by grain, brand, platform and window, then in one
 *    statement OR the authors' activity into `author_days` (which answers how
 *    many authors are new in each window) and add the deltas to the three
 *    rollup tables;
 * 4. only for deliveries that claimed nothing (usually none): read their
 *    claims; those that carry a higher revision, or whose claim a compliance
 *    event left pending, go through the restatement primitive
 *    (`restateMentions`) in the same transaction; the rest are duplicates or
 *    suppressed.
 * The hot rollup rows are written last, so concurrent transactions overlap
 * on steps 1–2 and queue only briefly on 3. A crash, replay or rebalance
 * therefore never changes a total.
 */
export function createRollupStore(deps: { pool: Pool }): RollupStore {
  return {
    applyMentions: (facts) =>
      withTransaction(
        deps.pool,
        async (client) => {
          // One fact per mentionId in a batch too: the highest revision, else the first delivery.
          const unique = latestRevisions(facts);
          // Returns the claimed ids only; the rest (usually none) are looked up below.
          const { rows: claims } = await client.query<{ mention_id: string; scrub: boolean }>({
            name: 'metrics-rollup.claim-mentions',
            text: CLAIM_MENTIONS_SQL,
            values: toParams(CLAIM_COLUMNS, unique),
          });
          const claimed = new Map(claims.map((r) => [r.mention_id, r.scrub]));
          const fresh: MentionFact[] = [];
          const notNew: MentionFact[] = [];
          for (const f of unique) {
            const scrub = claimed.get(f.mentionId);
            if (scrub === undefined) notNew.push(f);
            else fresh.push(scrub ? { ...scrubFact(f, PRIVATE), scrubbed: PRIVATE } : f);
          }
          if (fresh.length > 0) await addNewFacts(client, fresh);
          let suppressed = 0;
          let duplicates = facts.length - unique.length;
          const candidates: { fact: MentionFact; scrub: boolean }[] = [];
          const stored = notNew.length > 0 ? await storedClaims(client, notNew) : new Map();
          for (const f of notNew) {
            const r = stored.get(f.mentionId)!;
            if (r.uncount) suppressed++;
            else if (r.state === null) candidates.push({ fact: f, scrub: r.scrub });
            else {
              const d = classifyDelivery(f.revision, keyOf(r));
              if (d.action === 'duplicate') duplicates++;
              else if (d.action === 'suppressed') suppressed++;
              else candidates.push({ fact: f, scrub: r.scrub });
            }
          }
          let restated = 0;
          if (candidates.length > 0) {
            const r = await restateDeliveries(client, candidates);
            restated = r.restated;
            duplicates += r.duplicates;
            suppressed += r.suppressed;
          }
          return { applied: fresh.length, duplicates, suppressed, restated };
        },
        rollupTransaction('mentions'),
      ),

    applySignals: (facts) =>
      withTransaction(
        deps.pool,
        async (client) => {
          const unique = dedupe(facts, (f) => `${f.signalId}\u0000${f.observedAt}`);
          const { rows } = await client.query<{ applied: string }>({
            name: 'metrics-rollup.apply-signals',
            text: APPLY_SIGNALS_SQL,
            values: toParams(SIGNAL_COLUMNS, unique),
          });
          const applied = Number(rows[0]?.applied ?? 0);
          return { applied, duplicates: facts.length - applied };
        },
        rollupTransaction('signals'),
      ),
  };
}

interface StoredRow {
  mention_id: string;
  uncount: boolean;
  scrub: boolean;
  state: MentionKey['state'] | null;
  revision: string | null;
  scrub_below: string | null;
}

function keyOf(r: {
  state: MentionKey['state'] | null;
  revision: string | number | null;
  scrub_below: string | number | null;
}): MentionKey {
  return {
    state: r.state ?? 'counted',
    revision: Number(r.revision ?? 0),
    scrubBelow: r.scrub_below === null ? null : Number(r.scrub_below),
  };
}

/** Inserts the claimed facts (one binary COPY), then adds their pre-aggregates, author activity first, in one statement. */
async function addNewFacts(client: PoolClient, fresh: readonly MentionFact[]): Promise<void> {
  const { rollups, authors } = aggregateMentions(fresh);
  // The claim guarantees the facts are new, so no ON CONFLICT is needed: the primary key
  // would still refuse a second fact, failing the transaction rather than counting twice.
  await copyRows(client, 'mentions', MENTION_COLUMNS, fresh);
  await client.query({
    name: 'metrics-rollup.apply-rollups',
    text: APPLY_ROLLUPS_SQL,
    values: [...toParams(AUTHOR_COLUMNS, authors), ...toParams(ROLLUP_COLUMNS, rollups)],
  });
}

/** The claims of deliveries that claimed nothing, as of now, and their compliance flags. */
async function storedClaims(
  client: PoolClient,
  notNew: readonly MentionFact[],
): Promise<Map<string, StoredRow>> {
  const { rows } = await client.query<StoredRow>({
    name: 'metrics-rollup.stored-claims',
    text: STORED_CLAIMS_SQL,
    values: toParams(CLAIM_COLUMNS, notNew),
  });
  return new Map(rows.map((r) => [r.mention_id, r]));
}

/**
 * Deliveries the fast path could not settle from its snapshot: re-read their
 * claims under a row lock (a concurrent transaction may have moved them on),
 * then restate the ones that still carry news.
 */
async function restateDeliveries(
  client: PoolClient,
  candidates: readonly { fact: MentionFact; scrub: boolean }[],
): Promise<{ restated: number; duplicates: number; suppressed: number }> {
  const keys = await lockKeys(
    client,
    candidates.map((c) => c.fact.mentionId),
  );
  const changes: RestateChange[] = [];
  let duplicates = 0;
  let suppressed = 0;
  for (const { fact, scrub } of candidates) {
    const key = keys.get(fact.mentionId);
    const d = key
      ? classifyDelivery(fact.revision, key)
      : ({ action: 'restate', scrub: false } as const);
    if (d.action === 'duplicate') duplicates++;
    else if (d.action === 'suppressed') suppressed++;
    else {
      const reason = !d.scrub
        ? 'account_private'
        : key?.scrubBelow === ALL_REVISIONS
          ? 'post_deleted'
          : 'post_edited';
      changes.push({
        mentionId: fact.mentionId,
        to: d.scrub || scrub ? scrubFact(fact, reason) : fact,
      });
    }
  }
  if (changes.length > 0) await restateLocked(client, changes, keys);
  return { restated: changes.length, duplicates, suppressed };
}

function latestRevisions(facts: readonly MentionFact[]): MentionFact[] {
  const byId = new Map<string, MentionFact>();
  for (const f of facts) {
    const seen = byId.get(f.mentionId);
    if (!seen || f.revision > seen.revision) byId.set(f.mentionId, f);
  }
  return [...byId.values()];
}

// ---------------------------------------------------------------- restatement

/** One mention to restate: remove its fact (`to: null`, leaving a tombstone) or replace it. */
export interface RestateChange {
  mentionId: string;
  to: MentionFact | null;
}

export interface RestateResult {
  /** Facts removed (they no longer count). */
  removed: number;
  /** Facts replaced or first stored by the restatement. */
  replaced: number;
  /** Rollup rows (grain × brand × platform × window) whose totals changed. */
  windows: number;
  /** The facts as they were before, by mention id. */
  before: Map<string, MentionFact>;
}

/**
 * The restatement primitive, inside the caller's transaction: locks the
 * claims of the mentions, deletes their counted facts, inserts the
 * replacements (their createdAt may move to another day's partition),
 * leaves a tombstone for removals, re-derives the affected author-days from
 * the facts that remain, and adds the difference (new minus old, unique
 * authors included) to every grain. Locks go in the order of the write path
 * (claims, facts, author activity, rollups), each in key order.
 */
export async function restateMentions(
  client: PoolClient,
  changes: readonly RestateChange[],
): Promise<RestateResult> {
  const keys = await lockKeys(
    client,
    changes.map((c) => c.mentionId),
  );
  return restateLocked(client, changes, keys);
}

/** Locks (FOR UPDATE) and reads the claims of the mention ids, in key order. */
export async function lockKeys(
  client: PoolClient,
  ids: readonly string[],
): Promise<Map<string, MentionKey & { createdAt: number | null }>> {
  // Take the write lock on the table before any row lock: a row lock (ROW SHARE) upgraded to a
  // write later could deadlock against a compliance subject event's SHARE ROW EXCLUSIVE lock.
  await client.query('lock table mention_keys in row exclusive mode');
  const { rows } = await client.query<{
    mention_id: string;
    created_ms: string | null;
    state: MentionKey['state'];
    revision: string;
    scrub_below: string | null;
  }>({
    name: 'metrics-rollup.lock-keys',
    text: `select mention_id, (extract(epoch from created_at) * 1000)::bigint as created_ms, state, revision, scrub_below
           from mention_keys where mention_id = any($1::text[])
           order by mention_id collate "C" for update`,
    values: [textArray([...new Set(ids)], (id) => id)],
  });
  return new Map(
    rows.map((r) => [
      r.mention_id,
      { ...keyOf(r), createdAt: r.created_ms === null ? null : Number(r.created_ms) },
    ]),
  );
}

async function restateLocked(
  client: PoolClient,
  changes: readonly RestateChange[],
  keys: Map<string, MentionKey & { createdAt: number | null }>,
): Promise<RestateResult> {
  const byId = new Map(changes.map((c) => [c.mentionId, c]));
  const counted = [...byId.keys()]
    .filter((id) => keys.get(id)?.state === 'counted' && keys.get(id)?.createdAt !== null)
    .sort(compareText);
  const { rows: oldRows } = await client.query<FactRow>({
    name: 'metrics-rollup.restate-delete',
    text: `delete from mentions m
           using unnest($1::text[], $2::bigint[]) as k (mention_id, created_ms)
           where m.mention_id = k.mention_id
             and m.created_at = timestamptz 'epoch' + k.created_ms * interval '1 millisecond'
           returning m.*`,
    values: [textArray(counted, (id) => id), numberArray(counted, (id) => keys.get(id)!.createdAt)],
  });
  const before = new Map(oldRows.map((r) => [r.mention_id, rowToFact(r)]));
  const added = [...byId.values()].flatMap((c) => (c.to ? [c.to] : []));
  const removedIds = [...byId.values()].filter((c) => !c.to).map((c) => c.mentionId);
  if (added.length > 0) {
    await client.query({
      name: 'metrics-rollup.restate-insert',
      text: `insert into mentions (${MENTION_COLUMNS.map((c) => c.name).join(', ')})
             select ${MENTION_COLUMNS.map((c) => read(c, 'u')).join(', ')}
             from ${unnestFrom(MENTION_COLUMNS, 'u')}
             order by u.mention_id collate "C"`,
      values: toParams(MENTION_COLUMNS, added),
    });
  }
  // Claims follow the facts: a replacement is counted at its revision, a removal is a tombstone.
  const sortedChanges = [...byId.values()].sort((a, b) => compareText(a.mentionId, b.mentionId));
  await client.query({
    name: 'metrics-rollup.restate-keys',
    text: `insert into mention_keys as k (mention_id, created_at, revision, state, removed_at)
           select u.mention_id, timestamptz 'epoch' + u.created_ms * interval '1 millisecond', u.revision,
                  case when u.removed then 'removed' else 'counted' end,
                  case when u.removed then now() end
           from unnest($1::text[], $2::bigint[], $3::bigint[], $4::boolean[])
             as u (mention_id, created_ms, revision, removed)
           order by u.mention_id collate "C"
           on conflict (mention_id) do update set
             created_at = coalesce(excluded.created_at, k.created_at),
             revision = greatest(k.revision, excluded.revision),
             state = excluded.state,
             removed_at = excluded.removed_at`,
    values: [
      textArray(sortedChanges, (c) => c.mentionId),
      numberArray(
        sortedChanges,
        (c) => c.to?.createdAt ?? keys.get(c.mentionId)?.createdAt ?? null,
      ),
      numberArray(sortedChanges, (c) => c.to?.revision ?? keys.get(c.mentionId)?.revision ?? 0),
      boolArray(sortedChanges, (c) => c.to === null),
    ],
  });
  const removed = [...before.values()];
  const authorDays = authorDaysOf([...removed, ...added]);
  const activity = await rederiveAuthorDays(client, authorDays);
  const windows = rollupChanges(
    counterChanges(removed, added),
    uniqueAuthorChanges(activity.before, activity.after),
  );
  await addRollupChanges(client, windows);
  return {
    removed: removedIds.filter((id) => before.has(id)).length,
    replaced: added.length,
    windows: windows.length,
    before,
  };
}

/**
 * Locks the author-days, reads what they hold (before), re-derives them from
 * the facts that remain (after) and stores that. A concurrent writer adding
 * a fact of the same author merges its minutes into the stored row after
 * this commits, so it counts the author exactly when this left the minute out.
 */
async function rederiveAuthorDays(
  client: PoolClient,
  keys: readonly AuthorDayKey[],
): Promise<{ before: AuthorDayActivity[]; after: AuthorDayActivity[] }> {
  if (keys.length === 0) return { before: [], after: [] };
  const params = [
    numberArray(keys, (k) => k.day),
    textArray(keys, (k) => k.brand),
    textArray(keys, (k) => k.platform),
    textArray(keys, (k) => k.authorId),
  ];
  const keysSql = `unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) as k (day_ms, brand, platform, author_id)`;
  type Row = {
    day_ms: string;
    brand: string;
    platform: string;
    author_id: string;
    minutes: number[];
  };
  const toActivity = (rows: Row[]): AuthorDayActivity[] =>
    rows
      .filter((r) => r.minutes.length > 0)
      .map((r) => ({
        day: Number(r.day_ms),
        brand: r.brand,
        platform: r.platform,
        authorId: r.author_id,
        minutes: [...r.minutes].sort((a, b) => a - b),
      }));
  const { rows: was } = await client.query<Row>({
    name: 'metrics-rollup.author-days-lock',
    text: `select k.day_ms, a.brand, a.platform, a.author_id, a.minutes
           from ${keysSql}
           join author_days a on a.day = timestamptz 'epoch' + k.day_ms * interval '1 millisecond'
            and a.brand = k.brand collate "C" and a.platform = k.platform collate "C"
            and a.author_id = k.author_id collate "C"
           order by a.day, a.brand, a.platform, a.author_id
           for update of a`,
    values: params,
  });
  const { rows: is } = await client.query<Row>({
    name: 'metrics-rollup.author-days-recount',
    text: `select k.day_ms, k.brand, k.platform, k.author_id,
                  array(select distinct floor(extract(epoch from (m.created_at - d.day)) / 60)::int
                        from mentions m
                        where m.platform = k.platform collate "C" and m.author_id = k.author_id collate "C"
                          and m.created_at >= d.day and m.created_at < d.day + interval '1 day'
                          and k.brand = any (m.brands)) as minutes
           from ${keysSql}
           cross join lateral (select timestamptz 'epoch' + k.day_ms * interval '1 millisecond' as day) d`,
    values: params,
  });
  const after = toActivity(is);
  const present = new Set(
    after.map((a) => `${a.day}\u0000${a.brand}\u0000${a.platform}\u0000${a.authorId}`),
  );
  const gone = keys.filter(
    (k) => !present.has(`${k.day}\u0000${k.brand}\u0000${k.platform}\u0000${k.authorId}`),
  );
  if (after.length > 0) {
    await client.query({
      name: 'metrics-rollup.author-days-store',
      text: `insert into author_days as w (day, brand, platform, author_id, hours, minutes, prev_hours, prev_minutes)
             select timestamptz 'epoch' + u.day_ms * interval '1 millisecond', u.brand, u.platform, u.author_id,
                    (select coalesce(bit_or(1 << (m / 60)), 0) from unnest(u.minutes::smallint[]) m),
                    u.minutes::smallint[], 0, '{}'
             from unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[])
               as u (day_ms, brand, platform, author_id, minutes)
             order by 1, 2, 3, 4
             on conflict (day, brand, platform, author_id) do update set
               prev_hours = w.hours, prev_minutes = w.minutes,
               hours = excluded.hours, minutes = excluded.minutes`,
      values: [
        numberArray(after, (a) => a.day),
        textArray(after, (a) => a.brand),
        textArray(after, (a) => a.platform),
        textArray(after, (a) => a.authorId),
        textArray(after, (a) => `{${a.minutes.join(',')}}`),
      ],
    });
  }
  if (gone.length > 0) {
    await client.query({
      name: 'metrics-rollup.author-days-delete',
      text: `delete from author_days a using ${keysSql}
             where a.day = timestamptz 'epoch' + k.day_ms * interval '1 millisecond'
               and a.brand = k.brand collate "C" and a.platform = k.platform collate "C"
               and a.author_id = k.author_id collate "C"`,
      values: [
        numberArray(gone, (k) => k.day),
        textArray(gone, (k) => k.brand),
        textArray(gone, (k) => k.platform),
        textArray(gone, (k) => k.authorId),
      ],
    });
  }
  return { before: toActivity(was), after };
}

/** Adds signed changes to the three rollup tables, in key order. */
async function addRollupChanges(
  client: PoolClient,
  changes: readonly RollupChange[],
): Promise<void> {
  if (changes.length === 0) return;
  await client.query({
    name: 'metrics-rollup.add-rollup-changes',
    text: ADD_ROLLUP_CHANGES_SQL,
    values: toParams(CHANGE_COLUMNS, changes),
  });
}

/** A row of `mentions` (select *), as node-postgres returns it. */
type FactRow = Record<string, unknown> & { mention_id: string };

/** Reads a stored fact back into its domain shape (for restatement and corrections). */
export function rowToFact(r: FactRow): MentionFact {
  const ms = (v: unknown) => (v as Date).getTime();
  const num = (v: unknown) => (v === null ? null : Number(v));
  const score = Number(r.sentiment_score);
  return {
    mentionId: r.mention_id,
    createdAt: ms(r.created_at),
    platform: r.platform as string,
    postId: r.post_id as string,
    kind: r.kind as MentionFact['kind'],
    url: r.url as string | null,
    parentId: r.parent_id as string | null,
    authorId: r.author_id as string,
    authorHandle: r.author_handle as string,
    authorName: r.author_name as string | null,
    authorFollowers: Number(r.author_followers),
    authorVerified: r.author_verified as boolean,
    title: r.title as string | null,
    text: r.text as string,
    lang: r.lang as string | null,
    rating: num(r.rating),
    likes: Number(r.likes),
    shares: Number(r.shares),
    replies: Number(r.replies),
    views: Number(r.views),
    brands: r.brands as string[],
    keywords: r.keywords as string[],
    sourceKind: r.source_kind as MentionFact['sourceKind'],
    sourceName: r.source_name as string,
    collectedAt: ms(r.collected_at),
    sentimentScore: score,
    sentimentMicros: Math.round(score * 1_000_000),
    sentimentLabel: r.sentiment_label as MentionFact['sentimentLabel'],
    sentimentLang: r.sentiment_lang as string,
    sentimentModel: r.sentiment_model as string,
    intentLabel: r.intent_label as MentionFact['intentLabel'],
    intentConfidence: Number(r.intent_confidence),
    theme: ((r.theme as string | undefined) ?? 'none') as MentionFact['theme'],
    scoredAt: ms(r.scored_at),
    customerId: r.customer_id as string | null,
    customerStatus: r.customer_status as MentionFact['customerStatus'],
    customerConfidence: Number(r.customer_confidence),
    customerMethod: r.customer_method as MentionFact['customerMethod'],
    customerTier: r.customer_tier as string | null,
    customerValue: num(r.customer_value),
    isCustomer: r.customer_status === 'linked' && r.customer_id !== null,
    influenceScore: Number(r.influence_score),
    influenceTier: r.influence_tier as MentionFact['influenceTier'],
    resolvedAt: ms(r.resolved_at),
    revision: Number(r.revision),
    modelSentimentScore: num(r.model_sentiment_score),
    modelSentimentLabel: r.model_sentiment_label as MentionFact['modelSentimentLabel'],
    modelIntentLabel: r.model_intent_label as MentionFact['modelIntentLabel'],
    sentimentCorrected: r.sentiment_corrected as boolean,
    intentCorrected: r.intent_corrected as boolean,
    scrubbed: r.scrubbed as string | null,
  };
}

/** Rollup transactions report failures as HARK_ROLLUP_WRITE_FAILED, retriable when transient. */
export function rollupTransaction(what: string): TransactionErrors {
  return { what: `${what} rollup transaction`, code: 'HARK_ROLLUP_WRITE_FAILED' };
}

function dedupe<T>(items: readonly T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((t) => {
    const k = key(t);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

// ---------------------------------------------------------------- parameters

/**
 * How a column travels: one array parameter per column, unnested in SQL.
 * `ms` is epoch milliseconds, turned into timestamptz by exact integer
 * arithmetic; `list` is a text[] joined with U+001F (brand ids and keywords
 * never contain it), since unnest cannot take ragged arrays.
 */
type Kind = 'text' | 'int' | 'float' | 'numeric' | 'bool' | 'ms' | 'list';

interface Column<T> {
  name: string;
  kind: Kind;
  get: (row: T) => string | number | boolean | null;
  /** The elements of a `list` column, for COPY. */
  items?: (row: T) => readonly string[];
}

const SQL_ARRAY_TYPE: Record<Kind, string> = {
  text: 'text[]',
  int: 'bigint[]',
  float: 'double precision[]',
  numeric: 'numeric[]',
  bool: 'boolean[]',
  ms: 'bigint[]',
  list: 'text[]',
};

const LIST_SEPARATOR = '\u001f';

function toParams<T>(columns: readonly Column<T>[], rows: readonly T[]): (string | Buffer)[] {
  return columns.map((c) => {
    switch (c.kind) {
      case 'bool':
        return boolArrayBinary(rows, c.get as (r: T) => boolean);
      case 'int':
      case 'ms':
        return int8ArrayBinary(rows, c.get as (r: T) => number | null);
      case 'float':
        return float8ArrayBinary(rows, c.get as (r: T) => number | null);
      default:
        return textArray(rows, c.get as (r: T) => string | null);
    }
  });
}

/** `unnest($1::text[], …) as alias (col, …)`, parameters numbered from `first`. */
function unnestFrom<T>(columns: readonly Column<T>[], alias: string, first = 1): string {
  const params = columns.map((c, i) => `$${i + first}::${SQL_ARRAY_TYPE[c.kind]}`).join(', ');
  return `unnest(${params}) as ${alias} (${columns.map((c) => c.name).join(', ')})`;
}

/** The SQL reading column `c` of `alias` as the table stores it. */
function read<T>(c: Column<T>, alias: string): string {
  const ref = `${alias}.${c.name}`;
  if (c.kind === 'ms') return `timestamptz 'epoch' + ${ref} * interval '1 millisecond'`;
  if (c.kind === 'list') return `string_to_array(${ref}, E'\\x1f')`;
  return ref;
}

// ---------------------------------------------------------------- mentions

/** The fact row; every kind is also a COPY kind (`numeric` is not used here). */
const MENTION_COLUMNS: (Column<MentionFact> & { kind: Exclude<Kind, 'numeric'> })[] = [
  { name: 'mention_id', kind: 'text', get: (f) => f.mentionId },
  { name: 'created_at', kind: 'ms', get: (f) => f.createdAt },
  { name: 'platform', kind: 'text', get: (f) => f.platform },
  { name: 'post_id', kind: 'text', get: (f) => f.postId },
  { name: 'kind', kind: 'text', get: (f) => f.kind },
  { name: 'url', kind: 'text', get: (f) => f.url },
  { name: 'parent_id', kind: 'text', get: (f) => f.parentId },
  { name: 'author_id', kind: 'text', get: (f) => f.authorId },
  { name: 'author_handle', kind: 'text', get: (f) => f.authorHandle },
  { name: 'author_name', kind: 'text', get: (f) => f.authorName },
  { name: 'author_followers', kind: 'int', get: (f) => f.authorFollowers },
  { name: 'author_verified', kind: 'bool', get: (f) => f.authorVerified },
  { name: 'title', kind: 'text', get: (f) => f.title },
  { name: 'text', kind: 'text', get: (f) => f.text },
  { name: 'lang', kind: 'text', get: (f) => f.lang },
  { name: 'rating', kind: 'float', get: (f) => f.rating },
  { name: 'likes', kind: 'int', get: (f) => f.likes },
  { name: 'shares', kind: 'int', get: (f) => f.shares },
  { name: 'replies', kind: 'int', get: (f) => f.replies },
  { name: 'views', kind: 'int', get: (f) => f.views },
  {
    name: 'brands',
    kind: 'list',
    get: (f) => f.brands.join(LIST_SEPARATOR),
    items: (f) => f.brands,
  },
  {
    name: 'keywords',
    kind: 'list',
    get: (f) => f.keywords.join(LIST_SEPARATOR),
    items: (f) => f.keywords,
  },
  { name: 'source_kind', kind: 'text', get: (f) => f.sourceKind },
  { name: 'source_name', kind: 'text', get: (f) => f.sourceName },
  { name: 'collected_at', kind: 'ms', get: (f) => f.collectedAt },
  { name: 'sentiment_score', kind: 'float', get: (f) => f.sentimentScore },
  { name: 'sentiment_label', kind: 'text', get: (f) => f.sentimentLabel },
  { name: 'sentiment_lang', kind: 'text', get: (f) => f.sentimentLang },
  { name: 'sentiment_model', kind: 'text', get: (f) => f.sentimentModel },
  { name: 'intent_label', kind: 'text', get: (f) => f.intentLabel },
  { name: 'intent_confidence', kind: 'float', get: (f) => f.intentConfidence },
  { name: 'scored_at', kind: 'ms', get: (f) => f.scoredAt },
  { name: 'customer_id', kind: 'text', get: (f) => f.customerId },
  { name: 'customer_status', kind: 'text', get: (f) => f.customerStatus },
  { name: 'customer_confidence', kind: 'float', get: (f) => f.customerConfidence },
  { name: 'customer_method', kind: 'text', get: (f) => f.customerMethod },
  { name: 'customer_tier', kind: 'text', get: (f) => f.customerTier },
  { name: 'customer_value', kind: 'float', get: (f) => f.customerValue },
  { name: 'influence_score', kind: 'float', get: (f) => f.influenceScore },
  { name: 'influence_tier', kind: 'text', get: (f) => f.influenceTier },
  { name: 'resolved_at', kind: 'ms', get: (f) => f.resolvedAt },
  { name: 'revision', kind: 'int', get: (f) => f.revision },
  { name: 'model_sentiment_score', kind: 'float', get: (f) => f.modelSentimentScore },
  { name: 'model_sentiment_label', kind: 'text', get: (f) => f.modelSentimentLabel },
  { name: 'model_intent_label', kind: 'text', get: (f) => f.modelIntentLabel },
  { name: 'sentiment_corrected', kind: 'bool', get: (f) => f.sentimentCorrected },
  { name: 'intent_corrected', kind: 'bool', get: (f) => f.intentCorrected },
  { name: 'scrubbed', kind: 'text', get: (f) => f.scrubbed },
  { name: 'theme', kind: 'text', get: (f) => f.theme },
];

/** Why a fact of an author under a `scrub` suppression (account made private) arrives blanked. */
const PRIVATE = 'account_private';

/** What the claim and the compliance lookup need of a mention. */
const CLAIM_COLUMNS: Column<MentionFact>[] = [
  { name: 'mention_id', kind: 'text', get: (f) => f.mentionId },
  { name: 'created_at', kind: 'ms', get: (f) => f.createdAt },
  { name: 'revision', kind: 'int', get: (f) => f.revision },
  { name: 'platform', kind: 'text', get: (f) => f.platform },
  { name: 'author_id', kind: 'text', get: (f) => f.authorId },
  { name: 'customer_id', kind: 'text', get: (f) => f.customerId },
];

/**
 * `input` (CLAIM_COLUMNS) and `flags`: per mention under a compliance
 * suppression (`compliance_subjects`) of its author or customer, whether it
 * must not count (`uncount`) or must be stored without text (`scrub`).
 */
const CLAIM_INPUT_CTES = `
with input as (
  select ${CLAIM_COLUMNS.map((c) => `${read(c, 'u')} as ${c.name}`).join(', ')}
  from ${unnestFrom(CLAIM_COLUMNS, 'u')}
), flags as (
  select mention_id, bool_or(action = 'uncount') as uncount, bool_or(action = 'scrub') as scrub
  from (
    select i.mention_id, s.action from input i
    join compliance_subjects s on s.subject_kind = 'author' and s.platform = i.platform
     and s.subject_id = i.author_id and i.created_at <= s.until
    union all
    select i.mention_id, s.action from input i
    join compliance_subjects s on s.subject_kind = 'customer' and s.platform = ''
     and s.subject_id = i.customer_id and i.created_at <= s.until
  ) x
  group by mention_id
)`;

/**
 * Claims each mentionId in mention_keys (first delivery wins, whatever its
 * createdAt) unless a compliance record uncounts it, and returns the claimed
 * ids with their `scrub` flag. It returns nothing about the others: joining
 * the batch against what the insert returned is what made the former single
 * statement quadratic in the batch size (the planner estimates 10 rows for an
 * unnest parameter and picks a nested loop), and the caller already knows the
 * batch. Rows are inserted in key order, so two transactions racing on the
 * same mention cannot deadlock; the loser waits for the winner's commit and
 * claims nothing.
 */
const CLAIM_MENTIONS_SQL = `${CLAIM_INPUT_CTES}, claimed as (
  insert into mention_keys (mention_id, created_at, revision)
  select i.mention_id, i.created_at, i.revision from input i
  where not exists (select from flags f where f.mention_id = i.mention_id and f.uncount)
  order by i.mention_id collate "C"
  on conflict (mention_id) do nothing
  returning mention_id
)
select c.mention_id, coalesce(f.scrub, false) as scrub
from claimed c
left join flags f on f.mention_id = c.mention_id`;

/**
 * For deliveries that claimed nothing (re-deliveries, suppressed ones): the
 * claim as it stands (NULL when there is none: the mention is suppressed)
 * and the compliance flags, which decide between duplicate, suppressed and
 * the restatement path.
 */
const STORED_CLAIMS_SQL = `${CLAIM_INPUT_CTES}
select i.mention_id, coalesce(f.uncount, false) as uncount, coalesce(f.scrub, false) as scrub,
       k.state, k.revision, k.scrub_below
from input i
left join flags f on f.mention_id = i.mention_id
left join mention_keys k on k.mention_id = i.mention_id`;

// ---------------------------------------------------------------- authors

const AUTHOR_COLUMNS: Column<AuthorMinute>[] = [
  { name: 'day_ms', kind: 'int', get: (a) => a.day },
  { name: 'brand', kind: 'text', get: (a) => a.brand },
  { name: 'platform', kind: 'text', get: (a) => a.platform },
  { name: 'author_id', kind: 'text', get: (a) => a.authorId },
  { name: 'minute', kind: 'int', get: (a) => a.minuteOfDay },
];

const COUNTERS: Column<MentionRollupDelta>[] = [
  { name: 'mentions', kind: 'int', get: (d) => d.mentions },
  { name: 'positive', kind: 'int', get: (d) => d.positive },
  { name: 'neutral', kind: 'int', get: (d) => d.neutral },
  { name: 'negative', kind: 'int', get: (d) => d.negative },
  { name: 'unknown_sentiment', kind: 'int', get: (d) => d.unknownSentiment },
  { name: 'sentiment_sum', kind: 'numeric', get: (d) => microsToDecimal(d.sentimentMicros) },
  { name: 'likes', kind: 'int', get: (d) => d.likes },
  { name: 'shares', kind: 'int', get: (d) => d.shares },
  { name: 'replies', kind: 'int', get: (d) => d.replies },
  { name: 'views', kind: 'int', get: (d) => d.views },
  { name: 'reach', kind: 'int', get: (d) => d.reach },
  { name: 'customer_mentions', kind: 'int', get: (d) => d.customerMentions },
  { name: 'prospect_mentions', kind: 'int', get: (d) => d.prospectMentions },
  ...INTENTS.map((intent): Column<MentionRollupDelta> => ({
    name: `intent_${intent}`,
    kind: 'int',
    get: (d) => d.intents[intent],
  })),
];

const ROLLUP_COLUMNS: Column<MentionRollupDelta>[] = [
  { name: 'grain', kind: 'text', get: (d) => d.grain },
  { name: 'brand', kind: 'text', get: (d) => d.brand },
  { name: 'window_ms', kind: 'int', get: (d) => d.windowStart },
  { name: 'platform', kind: 'text', get: (d) => d.platform },
  ...COUNTERS,
];

const ROLLUP_COUNTERS = [...COUNTERS.map((c) => c.name), 'unique_authors'];

/**
 * The CTE `<grain>_rows` that adds the `deltas` rows of one grain to its rollup table,
 * in key order (so concurrent transactions lock rows in one order).
 */
function upsertRollupDeltas(grain: Grain): string {
  const counters = ROLLUP_COUNTERS;
  return `
${grain}_rows as (
  insert into rollup_${grain} as r (brand, window_start, platform, ${counters.join(', ')})
  select d.brand, d.window_start, d.platform, ${counters.map((c) => `d.${c}`).join(', ')}
  from deltas d
  where d.grain = '${grain}'
  order by d.brand collate "C", d.window_start, d.platform collate "C"
  on conflict (brand, window_start, platform) do update set
    ${counters.map((c) => `${c} = r.${c} + excluded.${c}`).join(',\n    ')},
    updated_at = now()
  returning 1
)`;
}

/**
 * One statement for everything after the facts, so nothing travels back to
 * the service in between:
 * - `written` merges the batch's author activity (minutes of the day, hour
 *   bits) into `author_days`, keeping what it found in `prev_*`;
 * - `new_authors` counts, per window, the authors not active in it before:
 *   a minute not in prev_minutes, an hour bit not in prev_hours, or no row at
 *   all for the day (prev_hours = 0);
 * - one data-modifying CTE per grain adds the batch's deltas, with those
 *   counts as `unique_authors`, to the stored rollups.
 * Every write goes in key order, author rows before rollup rows, so
 * concurrent transactions lock in one order. Author rows that already hold
 * all of the batch's minutes are left untouched.
 */
const APPLY_ROLLUPS_SQL = (() => {
  return `
with pairs as (
  select timestamptz 'epoch' + p.day_ms * interval '1 millisecond' as day, p.day_ms,
         p.brand collate "C" as brand, p.platform collate "C" as platform,
         p.author_id collate "C" as author_id, p.minute::smallint as minute
  from ${unnestFrom(AUTHOR_COLUMNS, 'p')}
), activity as (
  select day, brand, platform, author_id,
         bit_or(1 << (minute / 60)) as hours,
         array_agg(minute order by minute) as minutes
  from pairs
  group by day, brand, platform, author_id
), written as (
  insert into author_days as w (day, brand, platform, author_id, hours, minutes, prev_hours, prev_minutes)
  select day, brand, platform, author_id, hours, minutes, 0, '{}'
  from activity
  order by day, brand, platform, author_id
  on conflict (day, brand, platform, author_id) do update set
    prev_hours = w.hours,
    prev_minutes = w.minutes,
    hours = w.hours | excluded.hours,
    minutes = array(select distinct m from unnest(w.minutes || excluded.minutes) as m order by m)
  where not (excluded.minutes <@ w.minutes)
  returning day, brand, platform, author_id, prev_minutes, hours & ~prev_hours as new_hours,
            prev_hours = 0 as new_day
), fresh as (
  select p.day_ms, p.brand, p.platform, p.author_id, p.minute, w.new_hours, w.new_day
  from written w
  join pairs p on p.day = w.day and p.brand = w.brand and p.platform = w.platform and p.author_id = w.author_id
  where not (p.minute = any (w.prev_minutes))
), new_authors as (
  select 'minute' as grain, brand, platform, day_ms + minute * 60000 as window_ms, count(*) as n
  from fresh
  group by brand, platform, day_ms, minute
  union all
  select 'hour', brand, platform, day_ms + (minute / 60) * 3600000, count(distinct author_id)
  from fresh
  where (new_hours >> (minute / 60)) & 1 = 1
  group by brand, platform, day_ms, minute / 60
  union all
  select 'day', brand, platform, day_ms, count(distinct author_id)
  from fresh
  where new_day
  group by brand, platform, day_ms
), deltas as (
  select u.grain, u.brand, timestamptz 'epoch' + u.window_ms * interval '1 millisecond' as window_start,
         u.platform, ${COUNTERS.map((c) => `u.${c.name}`).join(', ')}, coalesce(a.n, 0) as unique_authors
  from ${unnestFrom(ROLLUP_COLUMNS, 'u', AUTHOR_COLUMNS.length + 1)}
  left join new_authors a
    on a.grain = u.grain and a.brand = u.brand collate "C" and a.platform = u.platform collate "C"
   and a.window_ms = u.window_ms
),${GRAINS.map(upsertRollupDeltas).join(',')}
select (select count(*) from minute_rows) + (select count(*) from hour_rows)
     + (select count(*) from day_rows) as written`;
})();

const CHANGE_COLUMNS: Column<RollupChange>[] = [
  ...(ROLLUP_COLUMNS as Column<RollupChange>[]),
  { name: 'unique_authors', kind: 'int', get: (d) => d.uniqueAuthors },
];

/** Signed changes of a restatement, added to every grain in key order. */
const ADD_ROLLUP_CHANGES_SQL = `
with deltas as (
  select u.grain, u.brand, timestamptz 'epoch' + u.window_ms * interval '1 millisecond' as window_start,
         u.platform, ${ROLLUP_COUNTERS.map((c) => `u.${c}`).join(', ')}
  from ${unnestFrom(CHANGE_COLUMNS, 'u')}
),${GRAINS.map(upsertRollupDeltas).join(',')}
select (select count(*) from minute_rows) + (select count(*) from hour_rows)
     + (select count(*) from day_rows) as written`;

// ---------------------------------------------------------------- signals

const SIGNAL_COLUMNS: Column<SignalFact>[] = [
  { name: 'signal_id', kind: 'text', get: (f) => f.signalId },
  { name: 'observed_at', kind: 'ms', get: (f) => f.observedAt },
  { name: 'brand', kind: 'text', get: (f) => f.brand },
  { name: 'platform', kind: 'text', get: (f) => f.platform },
  { name: 'metric', kind: 'text', get: (f) => f.metric },
  { name: 'value', kind: 'float', get: (f) => f.value },
  { name: 'aggregation', kind: 'text', get: (f) => f.aggregation },
  { name: 'collected_at', kind: 'ms', get: (f) => f.collectedAt },
  { name: 'source', kind: 'text', get: (f) => f.source },
  { name: 'minute', kind: 'ms', get: (f) => f.windows.minute },
  { name: 'hour', kind: 'ms', get: (f) => f.windows.hour },
  { name: 'day', kind: 'ms', get: (f) => f.windows.day },
];

/** `(observed_at, signal_id)` of the incoming row is later than the stored last one. */
const NEWER =
  '(excluded.last_observed_at, excluded.last_signal_id collate "C") > (r.last_observed_at, r.last_signal_id collate "C")';

/** Window rows per grain over the signals that were new: count, exact numeric sum, and the last observation. */
function signalRollupCte(grain: Grain): string {
  const last = (col: string) =>
    `(array_agg(f.${col} order by f.observed_at desc, f.signal_id collate "C" desc))[1]`;
  return `
${grain}_rows as (
  insert into signal_rollup_${grain} as r
    (brand, window_start, platform, metric, observations, value_sum, last_value, last_observed_at,
     last_signal_id, aggregation)
  select f.brand, f.${grain}, f.platform, f.metric, count(*), sum(f.value::numeric), ${last('value')},
         max(f.observed_at), ${last('signal_id')}, ${last('aggregation')}
  from fresh f
  group by f.brand, f.${grain}, f.platform, f.metric
  order by f.brand collate "C", f.${grain}, f.platform collate "C", f.metric collate "C"
  on conflict (brand, window_start, platform, metric) do update set
    observations = r.observations + excluded.observations,
    value_sum = r.value_sum + excluded.value_sum,
    last_value = case when ${NEWER} then excluded.last_value else r.last_value end,
    aggregation = case when ${NEWER} then excluded.aggregation else r.aggregation end,
    last_signal_id = case when ${NEWER} then excluded.last_signal_id else r.last_signal_id end,
    last_observed_at = case when ${NEWER} then excluded.last_observed_at else r.last_observed_at end,
    updated_at = now()
  returning 1
)`;
}

/**
 * Signals are few, so one statement does everything and aggregates in SQL:
 * sums of doubles in `numeric` are exact whatever the batching, which float
 * pre-sums in JavaScript would not be. `last` keeps the greatest
 * (observed_at, signal_id), so it never depends on arrival order.
 */
const APPLY_SIGNALS_SQL = `
with input as (
  select u.signal_id, ${SIGNAL_COLUMNS.slice(1)
    .map((c) => `${read(c, 'u')} as ${c.name}`)
    .join(', ')}
  from ${unnestFrom(SIGNAL_COLUMNS, 'u')}
), inserted as (
  insert into signals (signal_id, observed_at, brand, platform, metric, value, aggregation, collected_at, source)
  select signal_id, observed_at, brand, platform, metric, value, aggregation, collected_at, source
  from input
  order by signal_id collate "C", observed_at
  on conflict (signal_id, observed_at) do nothing
  returning signal_id, observed_at
), fresh as (
  select i.* from input i join inserted n on n.signal_id = i.signal_id and n.observed_at = i.observed_at
),${GRAINS.map(signalRollupCte).join(',')}
select count(*) as applied from fresh`;
