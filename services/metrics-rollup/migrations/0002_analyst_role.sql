-- hark_analyst: read-only access for analysts to the rollups, facts and views.
-- A NOLOGIN group role: give people their own login and membership, e.g.
--   create role alice login password '…' in role hark_analyst;
-- Roles are cluster-wide; two databases migrating at once may race to create
-- it, so a duplicate is not an error.
do $$
begin
  if not exists (select from pg_roles where rolname = 'hark_analyst') then
    create role hark_analyst nologin;
  end if;
exception
  when duplicate_object or unique_violation then null;
end
$$;

grant usage on schema public to hark_analyst;

-- Explicit grants rather than ALTER DEFAULT PRIVILEGES: the schema is shared
-- with other services (identity-resolution keeps CRM customers here), and a
-- default privilege would hand analysts every future table of the migrating
-- role. Partitions need no grant: they are read through their parent.
grant select on
  mentions,
  signals,
  rollup_minute,
  rollup_hour,
  rollup_day,
  signal_rollup_minute,
  signal_rollup_hour,
  signal_rollup_day,
  tracked_brands,
  competitive_sets,
  competitive_set_brands
to hark_analyst;
