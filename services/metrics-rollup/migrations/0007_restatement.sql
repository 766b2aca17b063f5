-- Restatable rollups: edits (revisions), deletions and erasure (compliance),
-- analyst corrections, text retention. See the README's "Restating the rollups".

-- Revisions. An edited post is re-sent with the same mentionId and a higher
-- revision; the stored revision decides whether a delivery restates the fact.
alter table mentions add column revision bigint not null default 0;
alter table mention_keys add column revision bigint not null default 0;

-- The claim is also the per-mention compliance state:
--   counted  a fact exists (created_at is its partition key);
--   removed  a tombstone: the post was deleted or its author erased; a later
--            delivery of the mention is suppressed, never counted;
--   pending  a compliance event arrived before the mention (post edited, or
--            deleted under keep_counts): the mention counts when it arrives,
--            with its text scrubbed below scrub_below.
-- scrub_below: deliveries with a revision below it are stored without text,
-- title, url, handle and name (post_edited scrubs the old revision's text;
-- a deleted post under keep_counts scrubs every revision).
alter table mention_keys alter column created_at drop not null;
alter table mention_keys add column state text not null default 'counted'
  check (state in ('counted', 'removed', 'pending'));
alter table mention_keys add column scrub_below bigint;
alter table mention_keys add column removed_at timestamptz;
-- Tombstones and pending rows have no fact partition to expire with; they go after RETENTION.
create index mention_keys_not_counted_idx on mention_keys (removed_at) where state <> 'counted';

-- Model output kept beside the effective (corrected) labels. sentiment_score,
-- sentiment_label and intent_label stay the values every view and rollup
-- reads; model_* hold what the model said when an analyst corrected it (NULL
-- when not corrected). A new revision is re-scored and drops the correction.
alter table mentions add column model_sentiment_score double precision;
alter table mentions add column model_sentiment_label text;
alter table mentions add column model_intent_label text;
alter table mentions add column sentiment_corrected boolean not null default false;
alter table mentions add column intent_corrected boolean not null default false;
-- Why text/handle/name/url were blanked: post_edited, account_private, post_deleted, retention.
alter table mentions add column scrubbed text;
-- Erasure by CRM customer finds the customer's facts without scanning RETENTION of mentions.
create index mentions_customer_idx on mentions (customer_id) where customer_id is not null;

-- Authors and customers whose mentions created up to `until` must not count
-- (action uncount: account deleted, erasure) or must arrive without text
-- (action scrub: account made private). Ids only.
create table compliance_subjects (
  subject_kind text not null check (subject_kind in ('author', 'customer')),
  platform text collate "C" not null default '',
  subject_id text collate "C" not null,
  action text not null check (action in ('uncount', 'scrub')),
  until timestamptz not null,
  recorded_at timestamptz not null default now(),
  primary key (subject_kind, platform, subject_id, action)
);
comment on table compliance_subjects is
  'Suppression records (ids only): mentions of these authors/customers created up to `until` are not counted (uncount) or are stored without text (scrub).';

-- Handled compliance events, so a re-delivered eventId changes nothing.
create table compliance_events (
  event_id text collate "C" primary key,
  kind text not null,
  facts_changed integer not null,
  handled_at timestamptz not null default now()
);

-- One row per erasure subject this stage carried out; privacy_audit (owned by
-- the privacy flow) reads them to know when every stage finished. No personal data.
create table if not exists privacy_audit_steps (
  request_id text not null,
  stage text not null,
  subject_kind text not null,
  event_id text not null,
  facts_removed integer not null,
  windows_restated integer not null,
  done_at timestamptz not null default now(),
  primary key (request_id, stage, subject_kind, event_id)
);

-- Analyst corrections: history kept, the latest per mention wins while its
-- revision is the fact's revision.
create table corrections (
  correction_id bigint generated always as identity primary key,
  mention_id text collate "C" not null,
  revision bigint not null,
  sentiment_label text check (sentiment_label in ('positive', 'neutral', 'negative')),
  sentiment_score double precision,
  intent_label text check (
    intent_label in ('complaint', 'question', 'praise', 'suggestion', 'purchase_intent', 'churn_risk', 'other')
  ),
  reason text not null,
  corrected_by text not null,
  corrected_at timestamptz not null default now(),
  check (sentiment_label is not null or intent_label is not null)
);
create index corrections_mention_idx on corrections (mention_id, correction_id);
create index corrections_at_idx on corrections (corrected_at, correction_id);

-- What analysts see: every correction with the model output it replaced and
-- whether it is still in force (a later correction or a new revision supersedes it).
create view v_corrections as
  select c.correction_id, c.mention_id, c.revision, c.corrected_at, c.corrected_by, c.reason,
         c.sentiment_label as corrected_sentiment, c.intent_label as corrected_intent,
         m.created_at, m.platform, m.brands,
         coalesce(m.model_sentiment_label, m.sentiment_label) as model_sentiment,
         coalesce(m.model_intent_label, m.intent_label) as model_intent,
         m.sentiment_label as sentiment, m.intent_label as intent,
         (m.mention_id is not null and m.revision = c.revision and not exists (
            select from corrections l where l.mention_id = c.mention_id and l.correction_id > c.correction_id
          )) as in_force
  from corrections c
  left join mention_keys k on k.mention_id = c.mention_id and k.state = 'counted'
  left join mentions m on m.mention_id = k.mention_id and m.created_at = k.created_at;

grant select on corrections, v_corrections to hark_analyst;
