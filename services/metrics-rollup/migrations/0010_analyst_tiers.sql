-- Two analyst tiers (issue 15), on top of hark_analyst (which stays: Grafana and
-- existing logins use it, and it is what the customer-service tier inherits):
--   hark_analyst_aggregate  rollups, share of voice, signals, trends, catalog tables and
--                           pseudonymous facts (v_mentions_pseudonymous): no handle, name,
--                           text, url, post or customer id.
--   hark_analyst_people     customer service: everything hark_analyst reads, people included
--                           (facts with handles and text, the customer-360 views, corrections).
-- Both are NOLOGIN groups. PostgreSQL applies a role's settings only to the role a session
-- logs in as, never through membership, so a login is made with hark_grant_analyst(), which
-- grants the tier and sets the login's statement timeout in one step:
--   create role alice login password '…';
--   select hark_grant_analyst('alice', 'aggregate');   -- or 'people'
do $$
begin
  if not exists (select from pg_roles where rolname = 'hark_analyst_aggregate') then
    create role hark_analyst_aggregate nologin;
  end if;
exception
  when duplicate_object or unique_violation then null;
end
$$;

do $$
begin
  if not exists (select from pg_roles where rolname = 'hark_analyst_people') then
    create role hark_analyst_people nologin;
  end if;
exception
  when duplicate_object or unique_violation then null;
end
$$;

grant hark_analyst to hark_analyst_people;
grant usage on schema public to hark_analyst_aggregate;

-- Facts without people: the author becomes a stable pseudonym (sha256 of platform:author_id,
-- so unique authors and repeat posters can still be counted), the post a pseudonym too (its
-- id leads to the public post and so to the person); no handle, name, text, title or url,
-- no customer id (the tier and the linked/prospect status stay).
create view v_mentions_pseudonymous as
  select encode(sha256(convert_to(m.mention_id, 'UTF8')), 'hex') as mention_key,
         m.created_at, m.platform, m.kind, m.lang, m.rating,
         encode(sha256(convert_to(m.platform || ':' || m.author_id, 'UTF8')), 'hex') as author_key,
         m.author_followers, m.author_verified,
         m.likes, m.shares, m.replies, m.views, m.brands, m.keywords, m.source_kind,
         m.sentiment_score, m.sentiment_label, m.sentiment_lang, m.sentiment_model,
         m.intent_label, m.intent_confidence, m.theme,
         m.customer_status, m.customer_tier, m.influence_score, m.influence_tier
  from mentions m;

grant select on
  signals,
  rollup_minute, rollup_hour, rollup_day,
  signal_rollup_minute, signal_rollup_hour, signal_rollup_day,
  tracked_brands, competitive_sets, competitive_set_brands,
  v_rollups, v_brand_rollups, v_daily_kpis, v_sentiment_trend, v_share_of_voice, v_brand_signals,
  v_mentions_pseudonymous,
  -- Themes and corrected shares (0009) are counts per brand and window; v_mention_themes
  -- keeps mention ids, which lead to the post and its author, so it stays with people.
  v_theme_daily, v_theme_weekly_change, v_sentiment_shares_corrected, sentiment_share_correction
to hark_analyst_aggregate;
grant select on v_mentions_pseudonymous to hark_analyst;

-- Grants a login one tier and its statement timeout (aggregate queries scan rollups and may
-- run longer; customer-service lookups are point reads). Run by a role with CREATEROLE.
create or replace function hark_grant_analyst(login text, tier text) returns void
language plpgsql as $$
declare
  timeout text;
begin
  if tier = 'aggregate' then
    timeout := '60s';
  elsif tier = 'people' then
    timeout := '30s';
  else
    raise exception 'tier must be aggregate or people, got %', tier;
  end if;
  execute format('grant %I to %I', 'hark_analyst_' || tier, login);
  execute format('alter role %I set statement_timeout = %L', login, timeout);
  execute format('alter role %I set idle_in_transaction_session_timeout = %L', login, '5min');
end
$$;
