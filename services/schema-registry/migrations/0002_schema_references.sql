-- Confluent schema references: the named types a schema takes from another subject's version.
-- Part of the schema's identity (the fingerprint covers them) and, like schemas, never deleted.
create table registry_schema_references (
  schema_id integer not null references registry_schemas (id),
  ord integer not null,
  name text not null,
  subject text not null,
  version integer not null check (version > 0),
  primary key (schema_id, ord)
);
create index registry_schema_references_target on registry_schema_references (subject, version);
