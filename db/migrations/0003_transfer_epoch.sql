-- A person's sign-in links carry this number and work only while it is
-- unchanged: using a link, changing the password and signing out raise it,
-- so a link works once and no longer than the sign-ins it came from.
ALTER TABLE users ADD COLUMN transfer_epoch INTEGER NOT NULL DEFAULT 0;
