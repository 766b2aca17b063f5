-- CRM customers and the social identities linked to them.

create table customers (
  id bigint generated always as identity primary key,
  external_id text not null unique,
  first_name text,
  last_name text,
  full_name text,
  emails text[] not null default '{}',
  phones text[] not null default '{}',
  company text,
  city text,
  region text,
  country text,
  tier text,
  value double precision,
  -- [{"platform": "x", "handle": "jdoe"}], platform and handle lower case without @
  handles jsonb not null default '[]'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Transaction that last wrote the row: the index refresher reads changes by
  -- transaction id against a snapshot's xmin, so a slow transaction that
  -- commits late is never skipped (updated_at alone cannot promise that).
  change_xid xid8 not null default pg_current_xact_id()
);

create index customers_updated_at_idx on customers (updated_at);
create index customers_change_xid_idx on customers (change_xid);
create index customers_emails_idx on customers using gin (emails);

create function customers_touch() returns trigger language plpgsql as $$
begin
  new.updated_at := now();
  new.change_xid := pg_current_xact_id();
  return new;
end $$;

create trigger customers_touch before update on customers
  for each row execute function customers_touch();

-- One notification per statement, so a 10,000-row import batch wakes the
-- refreshers once; polling remains the safety net when a notification is missed.
create function customers_notify() returns trigger language plpgsql as $$
begin
  perform pg_notify('hark_customers_changed', '');
  return null;
end $$;

create trigger customers_notify after insert or update on customers
  for each statement execute function customers_notify();

create table social_identities (
  platform text not null,
  author_id text not null,
  handle text,
  -- The linked customer, or the candidate under review, or the customer a reviewer rejected.
  customer_id bigint references customers (id),
  confidence double precision not null default 0,
  method text not null check (method in ('none', 'email', 'handle', 'fuzzy', 'manual')),
  status text not null check (status in ('linked', 'review', 'rejected')),
  -- [{kind, detail, weight}]: why, never raw personal data
  evidence jsonb not null default '[]'::jsonb,
  -- [{customerId, externalId, probability, weight}]: the best candidates, for reviewers
  candidates jsonb not null default '[]'::jsonb,
  -- 'system' for automatic decisions, else the reviewer; the system never overwrites a human.
  decided_by text not null default 'system',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (platform, author_id),
  check (status = 'rejected' or customer_id is not null)
);

create index social_identities_customer_idx on social_identities (customer_id);
create index social_identities_review_idx on social_identities (updated_at, platform, author_id)
  where status = 'review';

create view identity_review_queue as
select
  si.platform,
  si.author_id,
  si.handle,
  si.confidence,
  si.method,
  si.evidence,
  si.candidates,
  si.created_at,
  si.updated_at,
  c.external_id as customer_external_id,
  c.full_name as customer_full_name,
  c.city as customer_city,
  c.tier as customer_tier
from social_identities si
join customers c on c.id = si.customer_id
where si.status = 'review';
