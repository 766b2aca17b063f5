-- The index refresher pages through changed customers by (change_xid, id);
-- a composite index makes each poll a range scan however large the table.
drop index if exists customers_change_xid_idx;
create index customers_change_xid_id_idx on customers (change_xid, id);
