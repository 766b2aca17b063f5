-- Per-author data keys for crypto-shredding. Deleting a row makes every
-- copy of that author's personal fields (in any topic, DLQ or backup)
-- unreadable. wrapped_key is the 256-bit data key sealed with the master key
-- (AES-256-GCM, iv ‖ ciphertext ‖ tag); kek_id names which master key.
create table privacy_data_keys (
  author_ref text primary key,
  key_id text not null unique,
  wrapped_key bytea not null,
  kek_id text not null,
  created_at timestamptz not null default now()
);

-- Key ids of shredded keys, without the author: lets readers tell "erased"
-- from "never existed here" (a consumer pointed at the wrong database must
-- not silently drop everything as erased). Holds no personal data.
create table privacy_shredded_keys (
  key_id text primary key,
  shredded_at timestamptz not null default now()
);
