-- Fellegi–Sunter parameters learned from traffic: one row per fit, never
-- updated. The service uses the latest; older versions stay for the evidence
-- of decisions made with them. No personal data: prior, m and u tables, counts.
create table match_models (
  version bigint generated always as identity primary key,
  fitted_at timestamptz not null default now(),
  prior double precision not null check (prior > 0 and prior < 1),
  m jsonb not null,
  u jsonb not null,
  authors integer not null,
  pairs integer not null,
  customers integer not null,
  iterations integer not null,
  random_pairs integer not null
);
