-- Bots' event streams tell a boost added or removed from an edit (both are
-- "updated" to a browser, which redraws the message either way): the boost
-- and what happened to it. NULL on every other event.
ALTER TABLE events ADD COLUMN boost_id INTEGER;
ALTER TABLE events ADD COLUMN boost_change TEXT CHECK (boost_change IN ('created', 'deleted'));
