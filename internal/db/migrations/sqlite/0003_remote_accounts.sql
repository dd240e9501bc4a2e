-- Remote actors: when Herd last fetched each one (stale after a day, as
-- Mastodon refreshes them), and when its origin answered 410 Gone. A gone
-- account is also suspended (suspended_at), as Mastodon suspends it with
-- origin "remote"; gone_at tells that suspension from a local one.
ALTER TABLE accounts ADD COLUMN fetched_at BIGINT;
ALTER TABLE accounts ADD COLUMN gone_at BIGINT;
