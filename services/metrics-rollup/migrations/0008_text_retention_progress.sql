-- How far the text retention has scanned: a restarted process resumes from
-- here instead of scanning every partition older than the cutoff again.
create table text_retention_progress (
  id boolean primary key default true check (id),
  scanned_up_to timestamptz not null
);
