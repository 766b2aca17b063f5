-- Erasure and access requests (hark privacy …, POST /v1/privacy/erasures).
--
-- An erased customer keeps its row: external_id and erased_at, every
-- personal column emptied. The index refresher follows rows by change_xid,
-- so the update empties the in-memory match entry at once (a deleted row
-- would linger there until a restart), social_identities keeps its foreign
-- key, and a later CRM import of the same external id is refused instead of
-- bringing the person back.
alter table customers add column erased_at timestamptz;

-- One row per erasure request. No personal data: the subject is an HMAC
-- digest (so a repeated request for the same person is recognised without
-- storing who), reason_code is a code, counts are numbers.
create table if not exists privacy_audit (
  request_id text primary key,
  subject_kind text not null check (subject_kind in ('customer', 'author')),
  subject_digest text not null,
  requested_by text not null,
  reason_code text not null,
  source text not null,
  status text not null check (status in ('pending', 'completed')),
  requested_at timestamptz not null default now(),
  -- the identity step committed (keys shredded, customer and links erased)
  erased_at timestamptz,
  -- tombstones and erasure events acknowledged by Kafka
  propagated_at timestamptz,
  completed_at timestamptz,
  -- {authors, linksRemoved, reviewItemsRemoved, keysShredded, customersErased, events, factsRemoved, windowsRestated}
  counts jsonb not null default '{}'::jsonb,
  -- eventIds of the erasure events produced (digests, never ids): every stage reports each
  event_ids text[] not null default '{}'
);
create index if not exists privacy_audit_subject_idx on privacy_audit (subject_digest, requested_at);

-- What each stage did for a request, one row per erasure event it carried
-- out (metrics-rollup creates the same table; whichever migrates first wins).
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

-- Transactional outbox: what an erasure must still produce (identity.links
-- tombstones, erasure events), written in the transaction that erased the
-- rows, so a crash before Kafka acknowledged loses nothing: a re-run (or a
-- re-delivered compliance event) produces from here. Rows are deleted once
-- produced (requests) or after a day (compliance events, see the handler).
create table privacy_outbox (
  origin text not null,
  kind text not null check (kind in ('link_tombstone', 'compliance_event')),
  key text not null,
  event jsonb,
  created_at timestamptz not null default now(),
  primary key (origin, kind, key)
);
