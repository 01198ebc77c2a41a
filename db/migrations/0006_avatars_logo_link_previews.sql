-- Avatars, the account's logo and link previews (issue 13). The images are
-- blobs in the file storage; each column here is a foreign key on blobs
-- (key), which is what keeps a blob in use (see 0004).

-- A person's or bot's square avatar, at most 512 px; NULL draws initials.
ALTER TABLE users ADD COLUMN avatar_key TEXT REFERENCES blobs (key);
CREATE INDEX users_avatar_idx ON users (avatar_key);

-- The account's logo as squares of at most 512, 192 and 32 px (manifest
-- icons, the header, the favicon); NULL shows the project's own icon.
ALTER TABLE accounts ADD COLUMN logo_key TEXT REFERENCES blobs (key);
ALTER TABLE accounts ADD COLUMN logo_192_key TEXT REFERENCES blobs (key);
ALTER TABLE accounts ADD COLUMN logo_32_key TEXT REFERENCES blobs (key);
CREATE INDEX accounts_logo_idx ON accounts (logo_key);
CREATE INDEX accounts_logo_192_idx ON accounts (logo_192_key);
CREATE INDEX accounts_logo_32_idx ON accounts (logo_32_key);

-- The card of the first link in a message, made after it was posted. At
-- most one per message; removing the preview deletes the row.
CREATE TABLE link_previews (
    message_id   INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    url          TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    image_key    TEXT    REFERENCES blobs (key),
    image_width  INTEGER NOT NULL DEFAULT 0,
    image_height INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL
);
CREATE INDEX link_previews_image_idx ON link_previews (image_key);
