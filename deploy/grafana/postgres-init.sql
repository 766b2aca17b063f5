-- Run once by the postgres image on a new data volume (docker-compose.yml
-- mounts it into /docker-entrypoint-initdb.d): a login role for Grafana in
-- the analysts' read-only group. metrics-rollup's migrations grant the group
-- SELECT on the rollups and views; they create the group too, and accept that
-- it exists already.
create role hark_analyst nologin;
create role grafana login password 'grafana' in role hark_analyst;
