// Package oncetest builds databases shaped like a ONCE Campfire install, for
// the importer's tests and benchmark. The schema is written from once-campfire's
// db/schema.rb (2024–2026 versions) as Rails lays it out in SQLite.
package oncetest

// schema is the 2026 schema: Rails 8 column types, datetime(6) times stored as
// "YYYY-MM-DD HH:MM:SS.ffffff" text, integer enums for roles and statuses.
const schema = `
CREATE TABLE accounts (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, created_at datetime(6) NOT NULL,
  custom_styles text, join_code varchar NOT NULL, name varchar NOT NULL, settings json,
  singleton_guard integer DEFAULT 0 NOT NULL, updated_at datetime(6) NOT NULL);
CREATE UNIQUE INDEX index_accounts_on_singleton_guard ON accounts (singleton_guard);

CREATE TABLE action_text_rich_texts (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, body text,
  created_at datetime(6) NOT NULL, name varchar NOT NULL, record_id bigint NOT NULL,
  record_type varchar NOT NULL, updated_at datetime(6) NOT NULL);
CREATE UNIQUE INDEX index_action_text_rich_texts_uniqueness ON action_text_rich_texts (record_type, record_id, name);

CREATE TABLE active_storage_blobs (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, byte_size bigint NOT NULL,
  checksum varchar, content_type varchar, created_at datetime(6) NOT NULL, filename varchar NOT NULL,
  key varchar NOT NULL, metadata text, service_name varchar NOT NULL);
CREATE UNIQUE INDEX index_active_storage_blobs_on_key ON active_storage_blobs (key);

CREATE TABLE active_storage_attachments (id integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  blob_id bigint NOT NULL REFERENCES active_storage_blobs (id), created_at datetime(6) NOT NULL,
  name varchar NOT NULL, record_id bigint NOT NULL, record_type varchar NOT NULL);
CREATE INDEX index_active_storage_attachments_on_blob_id ON active_storage_attachments (blob_id);
CREATE UNIQUE INDEX index_active_storage_attachments_uniqueness ON active_storage_attachments (record_type, record_id, name, blob_id);

CREATE TABLE active_storage_variant_records (id integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  blob_id bigint NOT NULL REFERENCES active_storage_blobs (id), variation_digest varchar NOT NULL);

CREATE TABLE users (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, bio text, bot_token varchar,
  created_at datetime(6) NOT NULL, email_address varchar, name varchar NOT NULL, password_digest varchar,
  role integer DEFAULT 0 NOT NULL, status integer DEFAULT 0 NOT NULL, updated_at datetime(6) NOT NULL);
CREATE UNIQUE INDEX index_users_on_bot_token ON users (bot_token);
CREATE UNIQUE INDEX index_users_on_email_address ON users (email_address);

CREATE TABLE bans (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, created_at datetime(6) NOT NULL,
  ip_address varchar NOT NULL, updated_at datetime(6) NOT NULL, user_id integer NOT NULL REFERENCES users (id));
CREATE INDEX index_bans_on_ip_address ON bans (ip_address);

CREATE TABLE rooms (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, created_at datetime(6) NOT NULL,
  creator_id bigint NOT NULL, members_hash varchar, name varchar, type varchar NOT NULL,
  updated_at datetime(6) NOT NULL);
CREATE INDEX index_rooms_on_members_hash ON rooms (members_hash);

CREATE TABLE memberships (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, connected_at datetime(6),
  connections integer DEFAULT 0 NOT NULL, created_at datetime(6) NOT NULL, involvement varchar DEFAULT 'mentions',
  room_id integer NOT NULL, unread_at datetime(6), updated_at datetime(6) NOT NULL, user_id integer NOT NULL);
CREATE UNIQUE INDEX index_memberships_on_room_id_and_user_id ON memberships (room_id, user_id);

CREATE TABLE messages (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, client_message_id varchar NOT NULL,
  created_at datetime(6) NOT NULL, creator_id integer NOT NULL, room_id integer NOT NULL,
  updated_at datetime(6) NOT NULL);
CREATE INDEX index_messages_on_room_id ON messages (room_id);
CREATE INDEX index_messages_on_creator_id ON messages (creator_id);

CREATE TABLE boosts (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, booster_id integer NOT NULL,
  content varchar(16) NOT NULL, created_at datetime(6) NOT NULL, message_id integer NOT NULL,
  updated_at datetime(6) NOT NULL);
CREATE INDEX index_boosts_on_message_id ON boosts (message_id);

CREATE TABLE push_subscriptions (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, auth_key varchar,
  created_at datetime(6) NOT NULL, endpoint varchar, p256dh_key varchar, updated_at datetime(6) NOT NULL,
  user_agent varchar, user_id integer NOT NULL);

CREATE TABLE searches (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, created_at datetime(6) NOT NULL,
  query varchar NOT NULL, updated_at datetime(6) NOT NULL, user_id integer NOT NULL);

CREATE TABLE sessions (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, created_at datetime(6) NOT NULL,
  ip_address varchar, last_active_at datetime(6) NOT NULL, token varchar NOT NULL, updated_at datetime(6) NOT NULL,
  user_agent varchar, user_id integer NOT NULL);

CREATE TABLE webhooks (id integer PRIMARY KEY AUTOINCREMENT NOT NULL, created_at datetime(6) NOT NULL,
  updated_at datetime(6) NOT NULL, url varchar, user_id integer NOT NULL);

CREATE VIRTUAL TABLE message_search_index USING fts5(body, tokenize=porter);
`

// newer is what a later Campfire might add: columns and a table the importer
// has never heard of, which it must ignore.
const newer = `
ALTER TABLE users ADD COLUMN sso_provider varchar;
ALTER TABLE users ADD COLUMN sso_uid varchar;
ALTER TABLE messages ADD COLUMN thread_id integer;
ALTER TABLE rooms ADD COLUMN topic text;
CREATE TABLE polls (id integer PRIMARY KEY, message_id integer NOT NULL, question varchar);
`
