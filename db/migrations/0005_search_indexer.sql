-- The search index is kept by a background indexer in batches (db/search_index.go)
-- instead of a trigger inside every post's transaction: FTS5 writes a row
-- several times cheaper in batches, and a post no longer pays for it.
--
-- The index stores its own copy of the text it indexed, so removing a row
-- needs only its id (an external-content index must be told the exact old
-- text, which a lagging indexer no longer has), and highlighting reads what
-- was indexed, whatever function produced it.
DROP TRIGGER messages_fts_insert;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;
DROP TABLE messages_fts;

CREATE VIRTUAL TABLE messages_fts USING fts5 (
    body_plain,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Messages whose indexed text may differ from the index. in_index says
-- whether the index may hold a row for the id, so a new message costs the
-- indexer no delete. A repeat keeps the first row: it alone knows whether the
-- id was in the index when it fell behind.
CREATE TABLE search_pending (
    message_id INTEGER PRIMARY KEY,
    in_index   INTEGER NOT NULL
);
CREATE TRIGGER search_pending_insert AFTER INSERT ON messages BEGIN
    INSERT OR IGNORE INTO search_pending (message_id, in_index) VALUES (new.id, 0);
END;
CREATE TRIGGER search_pending_update AFTER UPDATE OF body_plain ON messages BEGIN
    INSERT OR IGNORE INTO search_pending (message_id, in_index) VALUES (new.id, 1);
END;
CREATE TRIGGER search_pending_delete AFTER DELETE ON messages BEGIN
    INSERT OR IGNORE INTO search_pending (message_id, in_index) VALUES (old.id, 1);
END;

-- An existing install's messages are indexed again here, once, as they were.
INSERT INTO messages_fts (rowid, body_plain) SELECT id, body_plain FROM messages ORDER BY id;
