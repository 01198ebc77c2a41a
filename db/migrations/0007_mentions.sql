-- When a message mentioned the member while they were not looking, until
-- they read the room: the room list marks such rooms apart from the
-- merely unread ones.
ALTER TABLE memberships ADD COLUMN mentioned_at INTEGER;
