-- Fan-out writes tens of thousands of home-feed rows a second at the
-- posting target; each index on home_feed is one more B-tree page dirtied
-- (and, on SQLite, written to the WAL) per row. home_feed_author served only
-- DeleteFeedByAuthor (unfollow, block, mute), which now reads the account's
-- feed through the primary key instead: feeds are capped at ~800 rows.
DROP INDEX home_feed_author;

-- users_active: fan-out reads the users active lately (one in five) as a
-- range of this small covering index, once per batch, and matches followers
-- against that list instead of fetching each follower's wide users row.
CREATE INDEX users_active ON users (last_active_at, account_id);

-- statuses_reblog only for boosts: every original post (nine in ten) wrote
-- a (NULL, author) entry at a random place in it, one more page per post,
-- and no query looks originals up there (lookups are reblog_of_id = ?, which
-- a partial index on reblog_of_id IS NOT NULL serves).
DROP INDEX statuses_reblog;
CREATE INDEX statuses_reblog ON statuses (reblog_of_id, account_id) WHERE reblog_of_id IS NOT NULL;
