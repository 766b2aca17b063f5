-- Every column of a CRM export beyond the ones matching reads (date of birth,
-- postcode, street, website, anything else), kept as imported: {"dob": "1971-06-24", …}.
alter table customers add column attributes jsonb not null default '{}'::jsonb;
