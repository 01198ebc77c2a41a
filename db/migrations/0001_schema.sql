-- The whole schema of the first release. Times are Unix milliseconds (UTC).

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    singleton     INTEGER NOT NULL DEFAULT 1 UNIQUE CHECK (singleton = 1),
    name          TEXT    NOT NULL,
    join_code     TEXT    NOT NULL,
    custom_styles TEXT    NOT NULL DEFAULT '',
    restrict_room_creation_to_administrators INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL,
    email_address   TEXT    UNIQUE,
    password_digest TEXT    NOT NULL DEFAULT '',
    role            TEXT    NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'administrator', 'bot')),
    status          TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deactivated', 'banned')),
    bio             TEXT    NOT NULL DEFAULT '',
    bot_token       TEXT    UNIQUE,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);

-- scs/sqlite3store's own table; the name and shape are the library's.
CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BLOB NOT NULL,
    expiry REAL NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- One row per sign-in. The scs session points at it, so ending every sign-in of a
-- person (deactivation, ban) is one DELETE, and bans know the addresses used.
CREATE TABLE user_sessions (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    ip_address     TEXT    NOT NULL DEFAULT '',
    user_agent     TEXT    NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    last_active_at INTEGER NOT NULL
);
CREATE INDEX user_sessions_user_idx ON user_sessions (user_id);

CREATE TABLE rooms (
    id         INTEGER PRIMARY KEY,
    kind       TEXT    NOT NULL CHECK (kind IN ('open', 'closed', 'direct')),
    name       TEXT,
    creator_id INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE memberships (
    id          INTEGER PRIMARY KEY,
    room_id     INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    involvement TEXT    NOT NULL DEFAULT 'mentions' CHECK (involvement IN ('everything', 'mentions', 'nothing', 'invisible')),
    unread_at   INTEGER,
    created_at  INTEGER NOT NULL,
    UNIQUE (room_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

CREATE TABLE messages (
    id                INTEGER PRIMARY KEY,
    room_id           INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    creator_id        INTEGER NOT NULL REFERENCES users (id),
    client_message_id TEXT    NOT NULL,
    body_html         TEXT    NOT NULL,
    body_plain        TEXT    NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    UNIQUE (room_id, client_message_id)
);
-- Pages walk a room by id: ids grow in commit order under the single writer.
CREATE INDEX messages_room_idx ON messages (room_id, id);
CREATE INDEX messages_creator_idx ON messages (creator_id);

CREATE TABLE boosts (
    id         INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    booster_id INTEGER NOT NULL REFERENCES users (id),
    content    TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX boosts_message_idx ON boosts (message_id);

-- The log that real time replays from. AUTOINCREMENT: an id is never reused, even
-- after pruning, because it is the browser's Last-Event-ID.
CREATE TABLE events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    room_id    INTEGER NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('created', 'updated', 'deleted')),
    message_id INTEGER NOT NULL,
    dom_id     TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX events_room_idx ON events (room_id, id);

CREATE VIRTUAL TABLE messages_fts USING fts5 (
    body_plain,
    content = 'messages',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, body_plain) VALUES (new.id, new.body_plain);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body_plain) VALUES ('delete', old.id, old.body_plain);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body_plain ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, body_plain) VALUES ('delete', old.id, old.body_plain);
    INSERT INTO messages_fts (rowid, body_plain) VALUES (new.id, new.body_plain);
END;

CREATE TABLE searches (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    query      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (user_id, query)
);

CREATE TABLE push_subscriptions (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    endpoint   TEXT    NOT NULL UNIQUE,
    p256dh_key TEXT    NOT NULL,
    auth_key   TEXT    NOT NULL,
    user_agent TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX push_subscriptions_user_idx ON push_subscriptions (user_id);

CREATE TABLE webhooks (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    url        TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE bans (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    ip_address TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX bans_ip_idx ON bans (ip_address);
CREATE INDEX bans_user_idx ON bans (user_id);

-- Small server-kept values: VAPID keys, the event log's pruning mark.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
