-- Files kept in the storage folder (internal/files), one row per content:
-- key is the hex SHA-256 of the bytes and names the file on disk.
--
-- A blob is in use while any row refers to it through a foreign key on
-- blobs (key); nothing else has to be registered. A table that keeps files
-- (attachments here; avatars, the logo...) declares such a column, indexed,
-- and db.DeleteUnreferencedBlobs finds it in the schema by itself.
CREATE TABLE blobs (
    key          TEXT    PRIMARY KEY,
    byte_size    INTEGER NOT NULL,
    content_type TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
) WITHOUT ROWID;

-- A message's file (one at most). filename is the cleaned name shown and
-- offered for download, never a path; content_type is sniffed from the bytes.
-- Images that decode get their size and a preview (the blob itself when it is
-- narrow enough).
CREATE TABLE attachments (
    id             INTEGER PRIMARY KEY,
    message_id     INTEGER NOT NULL UNIQUE REFERENCES messages (id) ON DELETE CASCADE,
    blob_key       TEXT    NOT NULL REFERENCES blobs (key),
    filename       TEXT    NOT NULL,
    content_type   TEXT    NOT NULL,
    byte_size      INTEGER NOT NULL,
    width          INTEGER,
    height         INTEGER,
    preview_key    TEXT    REFERENCES blobs (key),
    preview_width  INTEGER,
    preview_height INTEGER,
    created_at     INTEGER NOT NULL
);
CREATE INDEX attachments_blob_idx ON attachments (blob_key);
CREATE INDEX attachments_preview_idx ON attachments (preview_key);
