-- One row per mentionId, whatever its createdAt. The facts are keyed by
-- (mention_id, created_at) because a partitioned table's unique keys must hold
-- the partition column, so a re-delivery whose post was edited to another
-- createdAt would otherwise be a second fact and count twice. A batch first
-- claims its mention ids here; only claimed ones become facts and increments.
-- Rows older than RETENTION are deleted with the expired fact partitions; by
-- then a re-delivery is past ROLLUP_LATENESS and goes to dlq anyway.
create table mention_keys (
  mention_id text collate "C" primary key,
  created_at timestamptz not null
);

insert into mention_keys (mention_id, created_at)
select distinct on (mention_id) mention_id, created_at
from mentions
order by mention_id, created_at
on conflict (mention_id) do nothing;

create index mention_keys_created_at_idx on mention_keys (created_at);

comment on table mention_keys is
  'Idempotency keys of the mentions fact table: the first delivery of a mentionId wins, whatever createdAt a re-delivery carries.';
