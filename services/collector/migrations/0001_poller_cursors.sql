-- One row per poller: where it stands in its source, and which collector
-- instance holds it. A poller runs on one instance at a time: the owner
-- renews its lease every round; another instance takes over only after the
-- lease has expired, and a checkpoint only lands while the writer owns it.
create table collector_poller_cursors (
  poller_id   text primary key,
  kind        text not null,
  cursor      jsonb,
  owner       text,
  lease_until timestamptz not null default now(),
  polled_at   timestamptz,
  updated_at  timestamptz not null default now()
);
