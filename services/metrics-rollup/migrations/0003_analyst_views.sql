-- Analyst views. Derived ratios are NULL when their denominator is 0.

-- Every grain in one relation; a filter on grain prunes the other tables at plan time.
create view v_rollups as
  select 'minute'::text as grain, r.* from rollup_minute r
  union all
  select 'hour'::text, r.* from rollup_hour r
  union all
  select 'day'::text, r.* from rollup_day r;

-- Per platform, plus platform = 'all' summed across platforms. unique_authors
-- adds up exactly across platforms: an author id belongs to one platform.
create view v_brand_rollups as
  select grain, brand, window_start, platform, mentions, positive, neutral, negative,
         unknown_sentiment, sentiment_sum, likes, shares, replies, views, reach, unique_authors,
         customer_mentions, prospect_mentions, intent_complaint, intent_question, intent_praise,
         intent_suggestion, intent_purchase_intent, intent_churn_risk, intent_other
  from v_rollups
  union all
  select grain, brand, window_start, 'all'::text,
         sum(mentions)::bigint, sum(positive)::bigint, sum(neutral)::bigint, sum(negative)::bigint,
         sum(unknown_sentiment)::bigint, sum(sentiment_sum), sum(likes)::bigint, sum(shares)::bigint,
         sum(replies)::bigint, sum(views)::bigint, sum(reach)::bigint, sum(unique_authors)::bigint,
         sum(customer_mentions)::bigint, sum(prospect_mentions)::bigint,
         sum(intent_complaint)::bigint, sum(intent_question)::bigint, sum(intent_praise)::bigint,
         sum(intent_suggestion)::bigint, sum(intent_purchase_intent)::bigint,
         sum(intent_churn_risk)::bigint, sum(intent_other)::bigint
  from v_rollups
  group by grain, brand, window_start;

create view v_daily_kpis as
  select (r.window_start at time zone 'UTC')::date as day,
         r.window_start,
         r.brand,
         b.name as brand_name,
         r.platform,
         r.mentions,
         r.unique_authors,
         r.likes + r.shares + r.replies as engagement,
         r.likes,
         r.shares,
         r.replies,
         r.views,
         r.reach,
         r.positive,
         r.neutral,
         r.negative,
         r.unknown_sentiment,
         r.sentiment_sum / nullif(r.mentions - r.unknown_sentiment, 0) as avg_sentiment,
         (r.positive - r.negative)::numeric / nullif(r.positive + r.neutral + r.negative, 0) as net_sentiment,
         r.customer_mentions,
         r.prospect_mentions,
         r.customer_mentions::numeric / nullif(r.mentions, 0) as customer_share,
         r.intent_complaint as complaints,
         r.intent_question as questions,
         r.intent_praise as praise,
         r.intent_suggestion as suggestions,
         r.intent_purchase_intent as purchase_intent,
         r.intent_churn_risk as churn_risk,
         r.intent_other as other_intent
  from v_brand_rollups r
  left join tracked_brands b on b.brand = r.brand
  where r.grain = 'day';

create view v_sentiment_trend as
  select r.grain,
         r.window_start,
         r.brand,
         r.platform,
         r.mentions,
         r.positive,
         r.neutral,
         r.negative,
         r.unknown_sentiment,
         r.sentiment_sum / nullif(r.mentions - r.unknown_sentiment, 0) as avg_sentiment,
         (r.positive - r.negative)::numeric / nullif(r.positive + r.neutral + r.negative, 0) as net_sentiment,
         r.negative::numeric / nullif(r.positive + r.neutral + r.negative, 0) as negative_share
  from v_brand_rollups r;

-- Share of voice: each member's share of its competitive set's mentions and of
-- its engagement (likes + shares + replies; views are left out because most
-- platforms do not publish them), per grain, window and platform (and 'all').
-- A window appears once any member has a mention in it; members without
-- mentions get 0. Membership is read at query time, so a config change
-- applies to every window at once.
create view v_share_of_voice as
  select s.grain,
         s.set_id,
         cs.name as set_name,
         s.window_start,
         s.platform,
         m.brand,
         b.name as brand_name,
         v.mentions,
         sum(v.mentions) over w as set_mentions,
         v.mentions / nullif(sum(v.mentions) over w, 0) as share,
         v.engagement,
         sum(v.engagement) over w as set_engagement,
         v.engagement / nullif(sum(v.engagement) over w, 0) as engagement_share
  from (
    select distinct r.grain, sb.set_id, r.window_start, p.platform
    from competitive_set_brands sb
    join v_rollups r on r.brand = sb.brand
    cross join lateral (values (r.platform), ('all'::text)) as p (platform)
  ) s
  join competitive_sets cs on cs.set_id = s.set_id
  join competitive_set_brands m on m.set_id = s.set_id
  left join tracked_brands b on b.brand = m.brand
  cross join lateral (
    select coalesce(sum(x.mentions), 0)::numeric as mentions,
           coalesce(sum(x.likes + x.shares + x.replies), 0)::numeric as engagement
    from v_rollups x
    where x.grain = s.grain
      and x.brand = m.brand
      and x.window_start = s.window_start
      and (s.platform = 'all' or x.platform = s.platform)
  ) v
  window w as (partition by s.grain, s.set_id, s.window_start, s.platform);

-- Brand signals: `value` is the last observation for levels, the sum for flows.
create view v_brand_signals as
  select s.grain, s.brand, s.window_start, s.platform, s.metric, s.aggregation,
         case when s.aggregation = 'last' then s.last_value::numeric else s.value_sum end as value,
         s.observations, s.value_sum, s.last_value, s.last_observed_at
  from (
    select 'minute'::text as grain, r.* from signal_rollup_minute r
    union all
    select 'hour'::text, r.* from signal_rollup_hour r
    union all
    select 'day'::text, r.* from signal_rollup_day r
  ) s;

grant select on v_rollups, v_brand_rollups, v_daily_kpis, v_sentiment_trend, v_share_of_voice,
  v_brand_signals to hark_analyst;

-- The customer views join tables owned by identity-resolution (`customers`,
-- `social_identities`), which may not exist yet and whose columns this
-- service does not control. This function (re)creates both views from what
-- exists: with `customers(external_id, name | full_name | first_name +
-- last_name | display_name)` they show the customer name, otherwise NULL;
-- with `social_identities(platform, author_id, customer_id[, status, handle,
-- confidence, method])` the 360 lists every linked identity, otherwise the
-- identities that mentions were resolved to. The service calls it at start and
-- at each maintenance run, so the views pick the tables up when they appear.
-- The column list never changes, so CREATE OR REPLACE keeps grants.
create function metrics_rollup_has_column(rel regclass, col text) returns boolean
language sql stable
as $$
  select exists (
    select from pg_attribute
    where attrelid = rel and attname = col and attnum > 0 and not attisdropped
  )
$$;

create function metrics_rollup_refresh_customer_views() returns text
language plpgsql
as $fn$
declare
  customers regclass := to_regclass('customers');
  identities regclass := to_regclass('social_identities');
  name_expr text;
  customer_name text := 'null::text';
  identities_sql text;
  status_filter text := '';
  described text;
begin
  -- Instances starting together would otherwise collide on the catalog rows of the views.
  perform pg_advisory_xact_lock(hashtext('metrics-rollup:customer-views'));

  if customers is not null and metrics_rollup_has_column(customers, 'external_id') then
    name_expr := case
      when metrics_rollup_has_column(customers, 'name') then 'c.name::text'
      when metrics_rollup_has_column(customers, 'full_name') then 'c.full_name::text'
      when metrics_rollup_has_column(customers, 'first_name')
       and metrics_rollup_has_column(customers, 'last_name')
        then $$nullif(concat_ws(' ', c.first_name, c.last_name), '')$$
      when metrics_rollup_has_column(customers, 'display_name') then 'c.display_name::text'
    end;
    if name_expr is not null then
      -- %%1$s is the customer id expression of the view using it; LIMIT 1 guards against duplicate ids.
      customer_name := format('(select %s from %s c where c.external_id::text = %%1$s limit 1)', name_expr, customers);
    end if;
  end if;

  if identities is not null
     and metrics_rollup_has_column(identities, 'platform')
     and metrics_rollup_has_column(identities, 'author_id')
     and metrics_rollup_has_column(identities, 'customer_id') then
    if metrics_rollup_has_column(identities, 'status') then
      status_filter := $$ where i.status::text = 'linked'$$;
    end if;
    identities_sql := format(
      'select i.customer_id::text as customer_id, i.platform::text collate "C" as platform, '
      || 'i.author_id::text collate "C" as author_id, '
      || '%s as handle, %s as link_status, %s as link_confidence, %s as link_method from %s i%s',
      case when metrics_rollup_has_column(identities, 'handle') then 'i.handle::text' else 'null::text' end,
      case when metrics_rollup_has_column(identities, 'status') then 'i.status::text' else $$'linked'::text$$ end,
      case when metrics_rollup_has_column(identities, 'confidence') then 'i.confidence::double precision' else 'null::double precision' end,
      case when metrics_rollup_has_column(identities, 'method') then 'i.method::text' else 'null::text' end,
      identities, status_filter);
    described := 'identities from social_identities';
  else
    identities_sql := $$select distinct on (platform, author_id) customer_id, platform, author_id,
        author_handle as handle, 'linked'::text as link_status, customer_confidence as link_confidence,
        customer_method as link_method
      from mentions
      where customer_id is not null and customer_status = 'linked'
      order by platform, author_id, created_at desc$$;
    described := 'identities from resolved mentions';
  end if;

  execute format($v$
    create or replace view v_top_negative_customer_mentions as
    select m.created_at,
           b.brand,
           m.platform,
           m.mention_id,
           m.url,
           m.text,
           m.sentiment_score,
           m.intent_label,
           m.likes + m.shares + m.replies as engagement,
           m.author_handle,
           m.customer_id,
           %s as customer_name,
           m.customer_tier,
           m.customer_value,
           round((-m.sentiment_score * ln(2 + m.likes + m.shares + m.replies))::numeric, 4) as severity
    from mentions m
    cross join lateral unnest(m.brands) as b (brand)
    where m.sentiment_label = 'negative' and m.customer_status = 'linked' and m.customer_id is not null
  $v$, format(customer_name, 'm.customer_id'));

  execute format($v$
    create or replace view v_customer_360 as
    select i.customer_id,
           %s as customer_name,
           i.platform,
           i.author_id,
           i.handle,
           i.link_status,
           i.link_confidence,
           i.link_method,
           count(m.mention_id) as mentions,
           min(m.created_at) as first_mention_at,
           max(m.created_at) as last_mention_at,
           count(*) filter (where m.sentiment_label = 'positive') as positive,
           count(*) filter (where m.sentiment_label = 'neutral') as neutral,
           count(*) filter (where m.sentiment_label = 'negative') as negative,
           avg(m.sentiment_score) filter (where m.sentiment_label <> 'unknown') as avg_sentiment,
           count(*) filter (where m.intent_label = 'complaint') as complaints,
           count(*) filter (where m.intent_label = 'churn_risk') as churn_risk,
           count(*) filter (where m.intent_label = 'purchase_intent') as purchase_intent,
           coalesce(sum(m.likes + m.shares + m.replies), 0) as engagement,
           (array_agg(m.mention_id order by m.created_at desc) filter (where m.mention_id is not null))[1]
             as last_mention_id
    from (%s) i
    left join mentions m on m.platform = i.platform and m.author_id = i.author_id
    group by i.customer_id, i.platform, i.author_id, i.handle, i.link_status, i.link_confidence,
             i.link_method
  $v$, format(customer_name, 'i.customer_id'), identities_sql);

  if exists (select from pg_roles where rolname = 'hark_analyst') then
    grant select on v_top_negative_customer_mentions, v_customer_360 to hark_analyst;
  end if;
  return format('customer names %s; %s',
    case when customer_name = 'null::text' then 'unavailable' else 'from ' || customers::text end,
    described);
end
$fn$;

select metrics_rollup_refresh_customer_views();
