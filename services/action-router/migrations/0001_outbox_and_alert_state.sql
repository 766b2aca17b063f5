-- action-router: the webhook outbox and the spike detector's per-series state.

-- One row per action id: the single owner of its webhook delivery. Filled
-- from the actions topic with ON CONFLICT DO NOTHING, so a re-delivered or
-- replayed action never becomes a second delivery.
create table action_outbox (
  action_id text collate "C" primary key,
  queue text not null,
  priority text not null,
  rule_id text not null,
  rules_version text not null,
  mention_id text not null,
  -- The Action as JSON: what the receiver gets under "action".
  action jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'dead')),
  -- Attempts started; incremented when a worker claims the row, so a crash mid-POST still counts.
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  -- A claimed row is leased to one worker until then; an expired lease (a crashed worker) is claimable again.
  lease_until timestamptz,
  last_error text,
  last_http_status integer,
  created_at timestamptz not null default now(),
  delivered_at timestamptz,
  updated_at timestamptz not null default now()
);
comment on table action_outbox is
  'Webhook deliveries of Actions: pending → delivered after a 2xx, or dead after ACTION_WEBHOOK_MAX_ATTEMPTS with the last reason.';

create index action_outbox_due_idx on action_outbox (next_attempt_at) where status = 'pending';
create index action_outbox_done_idx on action_outbox (created_at) where status <> 'pending';

-- Per brand and platform: the last evaluated window end and the open episodes
-- by metric ({"volume": {episodeId, openedEnd, expected, scale, normalStreak}}),
-- written in the same transaction that decides, so a restart neither
-- re-alerts an open episode nor evaluates a window twice.
create table alert_series (
  brand text collate "C" not null,
  platform text collate "C" not null,
  last_evaluated_end timestamptz not null,
  episodes jsonb not null default '{}',
  updated_at timestamptz not null default now(),
  primary key (brand, platform)
);
comment on table alert_series is 'Spike detector state per brand and platform (see services/action-router/README.md).';

-- Every alert emitted, by episode: the audit trail and what a re-run checks before producing again.
create table alert_log (
  alert_id text collate "C" primary key,
  brand text not null,
  platform text not null,
  metric text not null,
  window_start timestamptz not null,
  window_end timestamptz not null,
  observed double precision not null,
  expected double precision not null,
  deviation double precision not null,
  emitted_at timestamptz not null default now()
);
