-- lists: a user's named subsets of the accounts they follow, each with a
-- timeline of its own (Mastodon's lists). replies_policy is followed, list
-- or none; an exclusive list keeps its members' posts out of the owner's
-- home feed.
CREATE TABLE lists (
    id             BIGINT PRIMARY KEY,
    account_id     BIGINT NOT NULL,
    title          TEXT NOT NULL,
    replies_policy TEXT NOT NULL DEFAULT 'list',
    exclusive      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX lists_account ON lists (account_id, id);

-- list_accounts: who is in each list. The list's accounts page by
-- account id through the primary key; the account index answers "which
-- lists is this account in" for fan-out and GET /accounts/:id/lists.
CREATE TABLE list_accounts (
    list_id    BIGINT NOT NULL,
    account_id BIGINT NOT NULL,
    PRIMARY KEY (list_id, account_id)
);
CREATE INDEX list_accounts_account ON list_accounts (account_id, list_id);

-- list_feed is a cache of each list's timeline, as home_feed is of home
-- timelines: written by the fan-out job for lists whose owner was active
-- lately, capped per list, rebuilt on read when empty.
CREATE TABLE list_feed (
    list_id      BIGINT NOT NULL,
    status_id    BIGINT NOT NULL,
    author_id    BIGINT NOT NULL,  -- who posted (the booster for a reblog)
    reblog_of_id BIGINT,
    PRIMARY KEY (list_id, status_id)
) WITHOUT ROWID; -- stored once, in key order (SQLite; a rowid table would add a copy)
