-- Issue 19: complaint themes on the facts with analyst views, and sentiment
-- shares corrected for classifier error.

-- Scoring's theme (ScoredMention.theme, carried by ResolvedMention): what a
-- negative or complaint mention is about; 'none' for the others and for
-- mentions stored before themes existed.
alter table mentions add column theme text not null default 'none';
comment on column mentions.theme is
  'Complaint theme of a negative or complaint mention (delay, cancellation, billing, outage, account_login, delivery, lost_or_damaged, staff_service, price, quality, other); none otherwise.';
create index mentions_theme_idx on mentions (created_at) where theme <> 'none';

-- Counted facts only (mention_keys state 'counted'), one row per brand: what
-- the rollups count, so a duplicate delivery or an uncounted mention never shows.
create view v_mention_themes as
  select m.mention_id, m.created_at, b.brand, m.platform, m.theme, m.sentiment_label,
         m.intent_label, m.sentiment_model
  from mentions m
  join mention_keys k on k.mention_id = m.mention_id and k.created_at = m.created_at
   and k.state = 'counted'
  cross join lateral unnest(m.brands) as b(brand)
  where m.theme <> 'none';

-- Why negative: themes per brand and UTC day.
create view v_theme_daily as
  select (created_at at time zone 'UTC')::date as day, brand, theme,
         count(*)::bigint as mentions,
         count(*) filter (where sentiment_label = 'negative')::bigint as negative,
         count(*) filter (where intent_label in ('complaint', 'churn_risk'))::bigint as complaints
  from v_mention_themes
  group by 1, 2, 3;

-- What changed this week: each brand's themes over the last 7 days against
-- the 7 days before, with each theme's share of the brand's themed mentions.
create view v_theme_weekly_change as
  with t as (
    select brand, theme,
           count(*) filter (where created_at >= now() - interval '7 days')::bigint as this_week,
           count(*) filter (where created_at < now() - interval '7 days')::bigint as last_week
    from v_mention_themes
    where created_at >= now() - interval '14 days'
    group by brand, theme
  )
  select brand, theme, this_week, last_week, this_week - last_week as change,
         this_week::numeric / nullif(sum(this_week) over (partition by brand), 0) as share_this_week,
         last_week::numeric / nullif(sum(last_week) over (partition by brand), 0) as share_last_week,
         case when last_week > 0 then this_week::numeric / last_week - 1 end as growth
  from t;

-- Constants of the share correction per sentiment model, from the confusion
-- matrix measured on its real test split (see the metrics-rollup README,
-- "Corrected sentiment shares"): for corrected label k, inv_* is row k of
-- M⁻¹ and var_* the test-split error term per true label.
create table sentiment_share_correction (
  model text not null,
  label text not null check (label in ('negative', 'neutral', 'positive')),
  inv_negative double precision not null,
  inv_neutral double precision not null,
  inv_positive double precision not null,
  var_negative double precision not null,
  var_neutral double precision not null,
  var_positive double precision not null,
  is_current boolean not null default false,
  primary key (model, label)
);
comment on table sentiment_share_correction is
  'Per sentiment model: M⁻¹ rows and test-split variance terms for corrected shares; is_current marks the model the views use.';

-- hark-social-en@2 on TweetEval sentiment test (12,284 tweets), confusion
-- [[3159,621,192],[2495,2536,906],[402,453,1520]] (rows true negative/neutral/positive,
-- columns predicted by the whole English scorer; models/social-v2.json in sentiment-scoring).
insert into sentiment_share_correction values
  ('hark-social-en@2', 'negative', 1.55943293503, -1.55213720361, 0.0501487587855, 0.000330023337182, 0.000345530559868, 0.000367468956515, true),
  ('hark-social-en@2', 'neutral', -0.579930206037, 3.19726602754, -0.799493136610, 0.000477494966151, 0.000607283415024, 0.00101718604009, true),
  ('hark-social-en@2', 'positive', 0.0204972710083, -0.645128823925, 1.74934437782, 0.0000537081229995, 0.000108631948069, 0.000437046648600, true);

-- Raw and corrected sentiment shares per grain (minute, hour, day), brand and
-- window (all platforms), with 95 % intervals. The correction of the current model applies to the whole
-- day; a day scored by several models is corrected as if by the current one.
create view v_sentiment_shares_corrected as
  with r as (
    select grain, brand, window_start, negative, neutral, positive,
           (negative + neutral + positive)::float8 as n
    from v_brand_rollups
    where platform = 'all' and negative + neutral + positive > 0
  ), e as (
    select r.grain, r.brand, r.window_start, r.n, c.model, c.label,
           r.negative / r.n as q_neg, r.neutral / r.n as q_neu, r.positive / r.n as q_pos,
           c.inv_negative * r.negative / r.n + c.inv_neutral * r.neutral / r.n
             + c.inv_positive * r.positive / r.n as est,
           c.inv_negative ^ 2 * r.negative / r.n + c.inv_neutral ^ 2 * r.neutral / r.n
             + c.inv_positive ^ 2 * r.positive / r.n as sq,
           c.var_negative, c.var_neutral, c.var_positive
    from r cross join sentiment_share_correction c
    where c.is_current
  ), w as (
    select e.*,
           max(est) filter (where label = 'negative') over w as est_neg,
           max(est) filter (where label = 'neutral') over w as est_neu,
           max(est) filter (where label = 'positive') over w as est_pos
    from e
    window w as (partition by grain, brand, window_start)
  ), v as (
    select w.*,
           greatest(0, (sq - est ^ 2) / n + est_neg ^ 2 * var_negative + est_neu ^ 2 * var_neutral
             + est_pos ^ 2 * var_positive) as variance,
           least(1, greatest(0, est)) as clipped
    from w
  )
  select grain, (window_start at time zone 'UTC')::date as day, window_start, brand, model,
         n::bigint as scored_mentions,
         max(q_neg) as raw_negative, max(q_neu) as raw_neutral, max(q_pos) as raw_positive,
         max(clipped) filter (where label = 'negative') / nullif(sum(clipped), 0) as corrected_negative,
         max(clipped) filter (where label = 'neutral') / nullif(sum(clipped), 0) as corrected_neutral,
         max(clipped) filter (where label = 'positive') / nullif(sum(clipped), 0) as corrected_positive,
         max(greatest(0, least(1, est - 1.959964 * sqrt(variance)))) filter (where label = 'negative') as negative_low,
         max(least(1, greatest(0, est + 1.959964 * sqrt(variance)))) filter (where label = 'negative') as negative_high,
         max(greatest(0, least(1, est - 1.959964 * sqrt(variance)))) filter (where label = 'neutral') as neutral_low,
         max(least(1, greatest(0, est + 1.959964 * sqrt(variance)))) filter (where label = 'neutral') as neutral_high,
         max(greatest(0, least(1, est - 1.959964 * sqrt(variance)))) filter (where label = 'positive') as positive_low,
         max(least(1, greatest(0, est + 1.959964 * sqrt(variance)))) filter (where label = 'positive') as positive_high
  from v
  group by grain, window_start, brand, model, n;

grant select on sentiment_share_correction, v_mention_themes, v_theme_daily,
  v_theme_weekly_change, v_sentiment_shares_corrected to hark_analyst;
