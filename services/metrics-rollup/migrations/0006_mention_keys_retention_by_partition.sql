-- Expired claims are now deleted through the dropped fact partition, joined on
-- mention_keys' primary key (every claim has its fact in the partition of its
-- created_at), so the index on created_at only cost a second index insert per
-- mention on the write path.
drop index if exists mention_keys_created_at_idx;
