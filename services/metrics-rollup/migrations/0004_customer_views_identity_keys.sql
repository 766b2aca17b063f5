-- Customer views, second version, after identity-resolution published its
-- schema (services/identity-resolution/migrations/0001_customers_and_identities.sql):
-- * social_identities.customer_id may be a key of customers.id rather than
--   the CRM external id; the 360 then joins customers to report external_id,
--   so a lookup by CRM id goes through customers' unique index;
-- * customers.full_name is preferred, then first and last name.
-- Everything else is as in 0003: the views are (re)created from whatever
-- exists, by the service at start and at each maintenance run.

create function metrics_rollup_column_type(rel regclass, col text) returns text
language sql stable
as $$
  select format_type(atttypid, atttypmod) from pg_attribute
  where attrelid = rel and attname = col and attnum > 0 and not attisdropped
$$;

create or replace function metrics_rollup_refresh_customer_views() returns text
language plpgsql
as $fn$
declare
  customers regclass := to_regclass('customers');
  identities regclass := to_regclass('social_identities');
  has_customers boolean;
  name_expr text;
  customer_name text := 'null::text';
  identities_sql text;
  identity_customer text;
  identity_join text := '';
  status_filter text := '';
  described text;
begin
  -- Instances starting together would otherwise collide on the catalog rows of the views.
  perform pg_advisory_xact_lock(hashtext('metrics-rollup:customer-views'));

  has_customers := customers is not null and metrics_rollup_has_column(customers, 'external_id');
  if has_customers then
    name_expr := case
      when metrics_rollup_has_column(customers, 'full_name')
       and metrics_rollup_has_column(customers, 'first_name')
       and metrics_rollup_has_column(customers, 'last_name')
        then $$coalesce(c.full_name::text, nullif(concat_ws(' ', c.first_name, c.last_name), ''))$$
      when metrics_rollup_has_column(customers, 'full_name') then 'c.full_name::text'
      when metrics_rollup_has_column(customers, 'name') then 'c.name::text'
      when metrics_rollup_has_column(customers, 'first_name')
       and metrics_rollup_has_column(customers, 'last_name')
        then $$nullif(concat_ws(' ', c.first_name, c.last_name), '')$$
      when metrics_rollup_has_column(customers, 'display_name') then 'c.display_name::text'
    end;
    if name_expr is not null then
      -- %%1$s is the external-id expression of the view using it; LIMIT 1 guards against duplicates.
      customer_name := format('(select %s from %s c where c.external_id::text = %%1$s limit 1)', name_expr, customers);
    end if;
  end if;

  if identities is not null
     and metrics_rollup_has_column(identities, 'platform')
     and metrics_rollup_has_column(identities, 'author_id')
     and metrics_rollup_has_column(identities, 'customer_id') then
    if metrics_rollup_column_type(identities, 'customer_id') in ('bigint', 'integer', 'uuid')
       and has_customers and metrics_rollup_has_column(customers, 'id') then
      -- A foreign key to customers.id: the CRM id analysts know is customers.external_id.
      identity_customer := 'ic.external_id::text';
      identity_join := format(' join %s ic on ic.id = i.customer_id', customers);
    else
      identity_customer := 'i.customer_id::text';
    end if;
    if metrics_rollup_has_column(identities, 'status') then
      status_filter := $$ where i.status::text = 'linked'$$;
    end if;
    identities_sql := format(
      'select %s as customer_id, i.platform::text collate "C" as platform, '
      || 'i.author_id::text collate "C" as author_id, '
      || '%s as handle, %s as link_status, %s as link_confidence, %s as link_method from %s i%s%s',
      identity_customer,
      case when metrics_rollup_has_column(identities, 'handle') then 'i.handle::text' else 'null::text' end,
      case when metrics_rollup_has_column(identities, 'status') then 'i.status::text' else $$'linked'::text$$ end,
      case when metrics_rollup_has_column(identities, 'confidence') then 'i.confidence::double precision' else 'null::double precision' end,
      case when metrics_rollup_has_column(identities, 'method') then 'i.method::text' else 'null::text' end,
      identities, identity_join, status_filter);
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
