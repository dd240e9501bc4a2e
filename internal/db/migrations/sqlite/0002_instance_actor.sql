-- instance_actor holds the key pair of the instance actor (/actor, Mastodon's
-- "representative" account): one row, made on first use. Not an accounts row,
-- so it never shows up in account lists, searches or statistics.
CREATE TABLE instance_actor (
    id          BIGINT PRIMARY KEY,  -- always 1
    public_key  TEXT NOT NULL,
    private_key TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
