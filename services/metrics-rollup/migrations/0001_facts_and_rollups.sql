-- metrics-rollup: facts, rollups and the competitive-set catalog.
--
-- Exactly-once: a batch inserts its facts with ON CONFLICT DO NOTHING RETURNING,
-- and only the returned (new) rows add to the rollups, in the same transaction.
-- The fact tables are partitioned by day on event time; the service creates
-- partitions ahead and drops them after RETENTION. Rollups are never derived
-- from facts afterwards, so dropping a partition changes no rollup.

create table mentions (
  mention_id text collate "C" not null,
  created_at timestamptz not null,
  platform text collate "C" not null,
  post_id text not null,
  kind text not null,
  url text,
  parent_id text,
  author_id text collate "C" not null,
  author_handle text not null,
  author_name text,
  author_followers bigint not null,
  author_verified boolean not null,
  title text,
  text text not null,
  lang text,
  rating double precision,
  likes bigint not null,
  shares bigint not null,
  replies bigint not null,
  views bigint not null,
  brands text[] not null,
  keywords text[] not null,
  source_kind text not null,
  source_name text not null,
  collected_at timestamptz not null,
  sentiment_score double precision not null,
  sentiment_label text not null,
  sentiment_lang text not null,
  sentiment_model text not null,
  intent_label text not null,
  intent_confidence double precision not null,
  scored_at timestamptz not null,
  customer_id text,
  customer_status text not null,
  customer_confidence double precision not null,
  customer_method text not null,
  customer_tier text,
  customer_value double precision,
  influence_score double precision not null,
  influence_tier text not null,
  resolved_at timestamptz not null,
  ingested_at timestamptz not null default now(),
  primary key (mention_id, created_at)
) partition by range (created_at);

comment on table mentions is
  'One row per resolved mention (first delivery wins), partitioned by day on created_at; kept for RETENTION. Drill-down for the rollups.';

-- Customer 360 finds an identity's mentions; the negative-customer view scans only its few rows.
create index mentions_author_idx on mentions (platform, author_id, created_at);
create index mentions_negative_customer_idx on mentions (created_at)
  where sentiment_label = 'negative' and customer_id is not null;

-- One table per grain, identical columns. Windows are [window_start, window_start + grain) in UTC.
create table rollup_minute (
  brand text collate "C" not null,
  window_start timestamptz not null,
  platform text collate "C" not null,
  mentions bigint not null,
  positive bigint not null,
  neutral bigint not null,
  negative bigint not null,
  unknown_sentiment bigint not null,
  sentiment_sum numeric not null,
  likes bigint not null,
  shares bigint not null,
  replies bigint not null,
  views bigint not null,
  reach bigint not null,
  unique_authors bigint not null,
  customer_mentions bigint not null,
  prospect_mentions bigint not null,
  intent_complaint bigint not null,
  intent_question bigint not null,
  intent_praise bigint not null,
  intent_suggestion bigint not null,
  intent_purchase_intent bigint not null,
  intent_churn_risk bigint not null,
  intent_other bigint not null,
  updated_at timestamptz not null default now(),
  -- brand, then time: a brand's trend and the share-of-voice lookups read ranges of this key.
  primary key (brand, window_start, platform)
) with (fillfactor = 70);
comment on table rollup_minute is 'Mention KPIs per brand, platform and UTC minute (see the service README for columns).';
comment on column rollup_minute.sentiment_sum is 'Sum of sentiment scores of scored (not unknown) mentions, each rounded to 6 decimals.';
comment on column rollup_minute.reach is 'Sum of author followers over the mentions.';
comment on column rollup_minute.unique_authors is 'Distinct authors in the window (exact); additive across platforms, not across brands or windows.';

-- Rollup rows are updated by nearly every batch; free space on each page keeps
-- those updates HOT (no index writes) and lets page pruning reclaim old versions.
create table rollup_hour (like rollup_minute including all) with (fillfactor = 70);
create table rollup_day (like rollup_minute including all) with (fillfactor = 70);
comment on table rollup_hour is 'Mention KPIs per brand, platform and UTC hour.';
comment on table rollup_day is 'Mention KPIs per brand, platform and UTC day.';

-- Which authors were active when, so unique_authors stays exact under
-- re-delivery and concurrency: one row per author, brand, platform and UTC
-- day, with the minutes of the day (0 = 00:00 … 1439) and a bit per hour it
-- was active in. A write merges the batch's minutes and hours in and keeps
-- what it found in prev_*, so the minutes not in prev_minutes and the hours
-- not in prev_hours are the windows the author is new in; ON CONFLICT DO
-- UPDATE reads the latest committed row under a row lock, so concurrent
-- batches never both count the same author. One small row per author-day
-- instead of one per window and grain. Internal: kept for RETENTION like the
-- facts, then dropped by partition.
create table author_days (
  day timestamptz not null,
  brand text collate "C" not null,
  platform text collate "C" not null,
  author_id text collate "C" not null,
  hours integer not null,
  minutes smallint[] not null,
  prev_hours integer not null,
  prev_minutes smallint[] not null,
  primary key (day, brand, platform, author_id)
) partition by range (day);

create table signals (
  signal_id text collate "C" not null,
  observed_at timestamptz not null,
  brand text collate "C" not null,
  platform text collate "C" not null,
  metric text collate "C" not null,
  value double precision not null,
  aggregation text not null,
  collected_at timestamptz not null,
  source text not null,
  ingested_at timestamptz not null default now(),
  primary key (signal_id, observed_at)
) partition by range (observed_at);

comment on table signals is 'One row per brand signal observation (first delivery wins), partitioned by day on observed_at; kept for RETENTION.';

create table signal_rollup_minute (
  brand text collate "C" not null,
  window_start timestamptz not null,
  platform text collate "C" not null,
  metric text collate "C" not null,
  observations bigint not null,
  value_sum numeric not null,
  last_value double precision not null,
  last_observed_at timestamptz not null,
  last_signal_id text not null,
  -- aggregation of the last observation: `last` reads last_value, `sum` reads value_sum.
  aggregation text not null,
  updated_at timestamptz not null default now(),
  primary key (brand, window_start, platform, metric)
) with (fillfactor = 70);
create table signal_rollup_hour (like signal_rollup_minute including all) with (fillfactor = 70);
create table signal_rollup_day (like signal_rollup_minute including all) with (fillfactor = 70);

-- Synced from the brands config at every start; views join them, so a config change needs no backfill.
create table tracked_brands (
  brand text primary key,
  name text not null,
  synced_at timestamptz not null default now()
);
create table competitive_sets (
  set_id text primary key,
  name text not null,
  synced_at timestamptz not null default now()
);
create table competitive_set_brands (
  set_id text not null references competitive_sets (set_id) on delete cascade,
  brand text collate "C" not null,
  primary key (set_id, brand)
);
