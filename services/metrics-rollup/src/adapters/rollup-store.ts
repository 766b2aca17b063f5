import type { Pool, PoolClient } from '@hark/db';
import {
  INTENTS,
  aggregateMentions,
  microsToDecimal,
  type AuthorMinute,
  type MentionRollupDelta,
} from '../domain/aggregate-mentions.ts';
import type { MentionFact } from '../domain/mention-fact.ts';
import type { SignalFact } from '../domain/signal-fact.ts';
import { GRAINS, type Grain } from '../domain/windows.ts';
import { isDatabaseError, toWriteError } from './db-errors.ts';
import { boolArray, numberArray, textArray } from './pg-arrays.ts';

export interface ApplyResult {
  /** Facts that were new and now count in the rollups. */
  applied: number;
  /** Facts already stored by an earlier delivery; they changed nothing. */
  duplicates: number;
}

/** Writes facts and their rollup increments; each call is one transaction, committed before it returns. */
export interface RollupStore {
  applyMentions(facts: readonly MentionFact[]): Promise<ApplyResult>;
  applySignals(facts: readonly SignalFact[]): Promise<ApplyResult>;
}

/**
 * The exactly-once write path. Per batch, in one transaction:
 * 1. insert the facts with ON CONFLICT DO NOTHING RETURNING: only the
 *    returned rows are new; re-delivered ones return nothing and add nothing;
 * 2. pre-aggregate the new facts by grain, brand, platform and window;
 * 3. OR the authors' activity into `author_days`, which answers how many
 *    authors are new in each window;
 * 4. add the deltas to the three rollup tables in one statement.
 * The hot rollup rows are written last, so concurrent transactions overlap
 * on steps 1–3 and queue only briefly on 4. A crash, replay or rebalance
 * therefore never changes a total.
 */
export function createRollupStore(deps: { pool: Pool }): RollupStore {
  return {
    applyMentions: (facts) =>
      inTransaction(deps.pool, 'mentions', async (client) => {
        // One fact per mentionId in a batch too: the first delivery wins, as in mention_keys.
        const unique = dedupe(facts, (f) => f.mentionId);
        // The statement returns only the facts that were stored already: usually none.
        const { rows: stored } = await client.query<{ mention_id: string; created_ms: string }>({
          name: 'metrics-rollup.insert-mentions',
          text: INSERT_MENTIONS_SQL,
          values: toParams(MENTION_COLUMNS, unique),
        });
        const seen = new Set(stored.map((r) => `${r.mention_id}\u0000${r.created_ms}`));
        const fresh = seen.size === 0 ? unique : unique.filter((f) => !seen.has(factKey(f)));
        if (fresh.length > 0) {
          const { rollups, authors } = aggregateMentions(fresh);
          await client.query({
            name: 'metrics-rollup.apply-rollups',
            text: APPLY_ROLLUPS_SQL,
            values: [...toParams(AUTHOR_COLUMNS, authors), ...toParams(ROLLUP_COLUMNS, rollups)],
          });
        }
        return { applied: fresh.length, duplicates: facts.length - fresh.length };
      }),

    applySignals: (facts) =>
      inTransaction(deps.pool, 'signals', async (client) => {
        const unique = dedupe(facts, (f) => `${f.signalId}\u0000${f.observedAt}`);
        const { rows } = await client.query<{ applied: string }>({
          name: 'metrics-rollup.apply-signals',
          text: APPLY_SIGNALS_SQL,
          values: toParams(SIGNAL_COLUMNS, unique),
        });
        const applied = Number(rows[0]?.applied ?? 0);
        return { applied, duplicates: facts.length - applied };
      }),
  };
}

async function inTransaction<T>(
  pool: Pool,
  what: string,
  fn: (client: PoolClient) => Promise<T>,
): Promise<T> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw toWriteError(err, `${what} rollup transaction`);
  }
  let failed: unknown;
  try {
    await client.query('begin');
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (err) {
    failed = err;
    await client.query('rollback').catch(() => {});
    throw toWriteError(err, `${what} rollup transaction`);
  } finally {
    // A connection that failed outside PostgreSQL's own error handling may be broken: replace it.
    client.release(
      failed !== undefined && !isDatabaseError(failed) ? (failed as Error) : undefined,
    );
  }
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

const factKey = (f: MentionFact): string => `${f.mentionId}\u0000${f.createdAt}`;

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

function toParams<T>(columns: readonly Column<T>[], rows: readonly T[]): string[] {
  return columns.map((c) => {
    switch (c.kind) {
      case 'bool':
        return boolArray(rows, c.get as (r: T) => boolean);
      case 'int':
      case 'float':
      case 'ms':
        return numberArray(rows, c.get as (r: T) => number | null);
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

const MENTION_COLUMNS: Column<MentionFact>[] = [
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
  { name: 'brands', kind: 'list', get: (f) => f.brands.join(LIST_SEPARATOR) },
  { name: 'keywords', kind: 'list', get: (f) => f.keywords.join(LIST_SEPARATOR) },
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
];

/**
 * Claims each mentionId in mention_keys (first delivery wins, whatever its
 * createdAt), inserts the facts of the claimed ones, and returns the rest (a
 * re-delivery), so the common case returns nothing. Rows are inserted in key
 * order, so two transactions racing on the same mention cannot deadlock.
 */
const INSERT_MENTIONS_SQL = `
with input as (
  select u.created_at as created_ms, ${MENTION_COLUMNS.map((c) => `${read(c, 'u')} as ${c.name}`).join(', ')}
  from ${unnestFrom(MENTION_COLUMNS, 'u')}
), claimed as (
  insert into mention_keys (mention_id, created_at)
  select mention_id, created_at from input
  order by mention_id collate "C", created_at
  on conflict (mention_id) do nothing
  returning mention_id, created_at
), inserted as (
  insert into mentions (${MENTION_COLUMNS.map((c) => c.name).join(', ')})
  select ${MENTION_COLUMNS.map((c) => `i.${c.name}`).join(', ')}
  from input i
  join claimed k on k.mention_id = i.mention_id and k.created_at = i.created_at
  order by i.mention_id collate "C", i.created_at
  on conflict (mention_id, created_at) do nothing
  returning mention_id, created_at
)
select i.mention_id, i.created_ms
from input i
where not exists (select from inserted n where n.mention_id = i.mention_id and n.created_at = i.created_at)`;

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
  const counters = [...COUNTERS.map((c) => c.name), 'unique_authors'];
  const upsert = (grain: Grain) => `
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
),${GRAINS.map(upsert).join(',')}
select (select count(*) from minute_rows) + (select count(*) from hour_rows)
     + (select count(*) from day_rows) as written`;
})();

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
