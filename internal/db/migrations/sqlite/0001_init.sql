-- Herd schema, version 1. Times are unix milliseconds (BIGINT); IDs are
-- time-ordered 64-bit integers from internal/ids. The PostgreSQL file holds
-- the same tables and columns; TestSchemasMatch compares the two.

CREATE TABLE accounts (
    -- INTEGER PRIMARY KEY is SQLite's rowid alias: one B-tree, not a table
    -- plus a key index (PostgreSQL: BIGINT).
    id               INTEGER PRIMARY KEY,
    username         TEXT NOT NULL,
    username_lower   TEXT NOT NULL,
    domain           TEXT NOT NULL DEFAULT '',   -- '' for local accounts
    display_name     TEXT NOT NULL DEFAULT '',
    note             TEXT NOT NULL DEFAULT '',   -- rendered HTML
    note_source      TEXT NOT NULL DEFAULT '',   -- what the owner typed
    fields           TEXT NOT NULL DEFAULT '[]', -- JSON [{name,value,verified_at}]
    locked           BOOLEAN NOT NULL DEFAULT FALSE,
    bot              BOOLEAN NOT NULL DEFAULT FALSE,
    discoverable     BOOLEAN NOT NULL DEFAULT TRUE,
    indexable        BOOLEAN NOT NULL DEFAULT TRUE,
    hide_collections BOOLEAN NOT NULL DEFAULT FALSE,
    avatar_url       TEXT NOT NULL DEFAULT '',
    header_url       TEXT NOT NULL DEFAULT '',
    uri              TEXT NOT NULL DEFAULT '',
    url              TEXT NOT NULL DEFAULT '',
    inbox_url        TEXT NOT NULL DEFAULT '',
    shared_inbox_url TEXT NOT NULL DEFAULT '',
    statuses_count   BIGINT NOT NULL DEFAULT 0,
    followers_count  BIGINT NOT NULL DEFAULT 0,
    following_count  BIGINT NOT NULL DEFAULT 0,
    last_status_at   BIGINT,
    suspended_at     BIGINT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    -- The keys last: 2 KB of PEM spill into overflow pages, which a read of
    -- the columns before them never touches (counters, profile).
    public_key       TEXT NOT NULL DEFAULT '',
    private_key      TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX accounts_username_domain ON accounts (username_lower, domain);
CREATE INDEX accounts_uri ON accounts (uri);
-- The instance statistics (users, posts, domains) read these small indexes,
-- not the wide accounts rows: a full scan on start-up cost ~70 ms and
-- pulled the whole table into memory.
CREATE INDEX accounts_local_stats ON accounts (domain, suspended_at, statuses_count);
CREATE INDEX accounts_suspended ON accounts (suspended_at) WHERE suspended_at IS NOT NULL;

-- users are the local people behind local accounts (one row per local account).
CREATE TABLE users (
    account_id       BIGINT PRIMARY KEY REFERENCES accounts (id),
    email            TEXT NOT NULL,
    email_lower      TEXT NOT NULL,
    password_hash    TEXT NOT NULL,
    role             TEXT NOT NULL DEFAULT 'user', -- user | moderator | admin
    approved         BOOLEAN NOT NULL DEFAULT TRUE,
    confirmed        BOOLEAN NOT NULL DEFAULT TRUE,
    reason           TEXT NOT NULL DEFAULT '',
    locale           TEXT NOT NULL DEFAULT 'en',
    default_privacy  TEXT NOT NULL DEFAULT 'public',
    default_sensitive BOOLEAN NOT NULL DEFAULT FALSE,
    default_language TEXT NOT NULL DEFAULT '',
    last_active_at   BIGINT NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_email_lower ON users (email_lower);

CREATE TABLE apps (
    id            BIGINT PRIMARY KEY,
    name          TEXT NOT NULL,
    website       TEXT NOT NULL DEFAULT '',
    redirect_uris TEXT NOT NULL,              -- newline-separated
    scopes        TEXT NOT NULL,              -- space-separated
    client_id     TEXT NOT NULL,
    client_secret TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX apps_client_id ON apps (client_id);

-- tokens hold OAuth access tokens; only a SHA-256 of the secret is stored.
CREATE TABLE tokens (
    id            BIGINT PRIMARY KEY,
    token_hash    TEXT NOT NULL,
    refresh_hash  TEXT NOT NULL DEFAULT '',
    app_id        BIGINT NOT NULL,
    account_id    BIGINT NOT NULL DEFAULT 0,  -- 0 for client_credentials tokens
    scopes        TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    revoked_at    BIGINT
);
CREATE UNIQUE INDEX tokens_token_hash ON tokens (token_hash);
CREATE INDEX tokens_refresh_hash ON tokens (refresh_hash);
CREATE INDEX tokens_account ON tokens (account_id);

CREATE TABLE auth_codes (
    code_hash       TEXT PRIMARY KEY,
    app_id          BIGINT NOT NULL,
    account_id      BIGINT NOT NULL,
    redirect_uri    TEXT NOT NULL,
    scopes          TEXT NOT NULL,
    code_challenge  TEXT NOT NULL DEFAULT '',
    challenge_method TEXT NOT NULL DEFAULT '',
    expires_at      BIGINT NOT NULL
);

-- sessions are browser sign-ins (cookie holds the secret; we keep its hash).
CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE statuses (
    id                     INTEGER PRIMARY KEY, -- rowid alias, as accounts.id
    account_id             BIGINT NOT NULL,
    uri                    TEXT NOT NULL DEFAULT '',
    url                    TEXT NOT NULL DEFAULT '',
    local                  BOOLEAN NOT NULL DEFAULT TRUE,
    text                   TEXT NOT NULL DEFAULT '',  -- source as typed (local only)
    content                TEXT NOT NULL DEFAULT '',  -- rendered HTML
    spoiler_text           TEXT NOT NULL DEFAULT '',
    visibility             TEXT NOT NULL,             -- public | unlisted | private | direct
    sensitive              BOOLEAN NOT NULL DEFAULT FALSE,
    language               TEXT NOT NULL DEFAULT '',
    in_reply_to_id         BIGINT,
    in_reply_to_account_id BIGINT,
    reblog_of_id           BIGINT,
    conversation_id        BIGINT NOT NULL DEFAULT 0, -- id of the thread's root
    application_id         BIGINT NOT NULL DEFAULT 0,
    has_media              BOOLEAN NOT NULL DEFAULT FALSE,
    replies_count          BIGINT NOT NULL DEFAULT 0,
    reblogs_count          BIGINT NOT NULL DEFAULT 0,
    favourites_count       BIGINT NOT NULL DEFAULT 0,
    edited_at              BIGINT,
    created_at             BIGINT NOT NULL
);
CREATE INDEX statuses_account ON statuses (account_id, id);
CREATE INDEX statuses_reply ON statuses (in_reply_to_id);
CREATE INDEX statuses_reblog ON statuses (reblog_of_id, account_id);
CREATE INDEX statuses_public ON statuses (id) WHERE visibility = 'public' AND reblog_of_id IS NULL;
CREATE INDEX statuses_conversation ON statuses (conversation_id);
CREATE INDEX statuses_uri ON statuses (uri);

CREATE TABLE status_edits (
    id           BIGINT PRIMARY KEY,
    status_id    BIGINT NOT NULL,
    account_id   BIGINT NOT NULL,
    text         TEXT NOT NULL,
    content      TEXT NOT NULL,
    spoiler_text TEXT NOT NULL,
    sensitive    BOOLEAN NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX status_edits_status ON status_edits (status_id, id);

CREATE TABLE mentions (
    status_id  BIGINT NOT NULL,
    account_id BIGINT NOT NULL,
    PRIMARY KEY (status_id, account_id)
);
CREATE INDEX mentions_account ON mentions (account_id, status_id);

CREATE TABLE tags (
    id         BIGINT PRIMARY KEY,
    name       TEXT NOT NULL,
    name_lower TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX tags_name_lower ON tags (name_lower);

CREATE TABLE status_tags (
    status_id BIGINT NOT NULL,
    tag_id    BIGINT NOT NULL,
    PRIMARY KEY (tag_id, status_id)
);
CREATE INDEX status_tags_status ON status_tags (status_id);

CREATE TABLE favourites (
    id         BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL,
    status_id  BIGINT NOT NULL
);
CREATE UNIQUE INDEX favourites_account_status ON favourites (account_id, status_id);
CREATE INDEX favourites_status ON favourites (status_id, id);

CREATE TABLE bookmarks (
    id         BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL,
    status_id  BIGINT NOT NULL
);
CREATE UNIQUE INDEX bookmarks_account_status ON bookmarks (account_id, status_id);

CREATE TABLE pins (
    id         BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL,
    status_id  BIGINT NOT NULL
);
CREATE UNIQUE INDEX pins_account_status ON pins (account_id, status_id);

-- conversation_mutes silences notifications from one thread (by its root id).
CREATE TABLE conversation_mutes (
    account_id      BIGINT NOT NULL,
    conversation_id BIGINT NOT NULL,
    PRIMARY KEY (account_id, conversation_id)
);

CREATE TABLE follows (
    id                BIGINT PRIMARY KEY,
    account_id        BIGINT NOT NULL,
    target_account_id BIGINT NOT NULL,
    show_reblogs      BOOLEAN NOT NULL DEFAULT TRUE,
    notify            BOOLEAN NOT NULL DEFAULT FALSE,
    uri               TEXT NOT NULL DEFAULT '',
    created_at        BIGINT NOT NULL
);
CREATE UNIQUE INDEX follows_pair ON follows (account_id, target_account_id);
CREATE INDEX follows_target ON follows (target_account_id, id);

CREATE TABLE follow_requests (
    id                BIGINT PRIMARY KEY,
    account_id        BIGINT NOT NULL,
    target_account_id BIGINT NOT NULL,
    show_reblogs      BOOLEAN NOT NULL DEFAULT TRUE,
    notify            BOOLEAN NOT NULL DEFAULT FALSE,
    uri               TEXT NOT NULL DEFAULT '',
    created_at        BIGINT NOT NULL
);
CREATE UNIQUE INDEX follow_requests_pair ON follow_requests (account_id, target_account_id);
CREATE INDEX follow_requests_target ON follow_requests (target_account_id, id);

CREATE TABLE blocks (
    id                BIGINT PRIMARY KEY,
    account_id        BIGINT NOT NULL,
    target_account_id BIGINT NOT NULL,
    created_at        BIGINT NOT NULL
);
CREATE UNIQUE INDEX blocks_pair ON blocks (account_id, target_account_id);
CREATE INDEX blocks_target ON blocks (target_account_id);

CREATE TABLE mutes (
    id                 BIGINT PRIMARY KEY,
    account_id         BIGINT NOT NULL,
    target_account_id  BIGINT NOT NULL,
    hide_notifications BOOLEAN NOT NULL DEFAULT TRUE,
    expires_at         BIGINT,
    created_at         BIGINT NOT NULL
);
CREATE UNIQUE INDEX mutes_pair ON mutes (account_id, target_account_id);

CREATE TABLE account_notes (
    account_id        BIGINT NOT NULL,
    target_account_id BIGINT NOT NULL,
    comment           TEXT NOT NULL,
    PRIMARY KEY (account_id, target_account_id)
);

CREATE TABLE notifications (
    id              BIGINT PRIMARY KEY,
    account_id      BIGINT NOT NULL,  -- recipient
    from_account_id BIGINT NOT NULL,
    type            TEXT NOT NULL,
    status_id       BIGINT,
    group_key       TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX notifications_account ON notifications (account_id, id);
CREATE INDEX notifications_status ON notifications (status_id);

CREATE TABLE markers (
    account_id   BIGINT NOT NULL,
    timeline     TEXT NOT NULL,   -- home | notifications
    last_read_id BIGINT NOT NULL,
    version      BIGINT NOT NULL DEFAULT 0,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (account_id, timeline)
);

-- home_feed is a cache of each active local account's home timeline, written by
-- the fan-out job and rebuildable from statuses and follows.
CREATE TABLE home_feed (
    account_id   BIGINT NOT NULL,
    status_id    BIGINT NOT NULL,
    author_id    BIGINT NOT NULL,  -- who posted (the booster for a reblog)
    reblog_of_id BIGINT,
    PRIMARY KEY (account_id, status_id)
) WITHOUT ROWID; -- stored once, in key order (SQLite; a rowid table would add a copy)
CREATE INDEX home_feed_author ON home_feed (account_id, author_id);

CREATE TABLE idempotency_keys (
    account_id BIGINT NOT NULL,
    key        TEXT NOT NULL,
    status_id  BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, key)
);

CREATE TABLE instance_rules (
    id         BIGINT PRIMARY KEY,
    text       TEXT NOT NULL,
    hint       TEXT NOT NULL DEFAULT '',
    position   BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

-- jobs is the durable work queue; a worker claims a row by setting
-- locked_until (a lease), commits, then works, so no lock spans slow work.
CREATE TABLE jobs (
    id           BIGINT PRIMARY KEY,
    queue        TEXT NOT NULL,
    payload      TEXT NOT NULL,
    run_at       BIGINT NOT NULL,
    locked_until BIGINT NOT NULL DEFAULT 0,
    attempts     BIGINT NOT NULL DEFAULT 0,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL
);
CREATE INDEX jobs_ready ON jobs (queue, run_at);

-- events is the change log every node reads forward to invalidate caches
-- and feed streams (DESIGN.md principle 7).
CREATE TABLE events (
    id         BIGINT PRIMARY KEY,
    kind       TEXT NOT NULL,
    subject_id BIGINT NOT NULL DEFAULT 0,
    account_id BIGINT NOT NULL DEFAULT 0,
    payload    TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);

-- user_activity_weeks records which local users were active in which week
-- (week = unix ms of the week's Monday 00:00 UTC), at most one row per
-- user and week: /api/v1/instance/activity's "logins" counts them.
CREATE TABLE user_activity_weeks (
    week       BIGINT NOT NULL,
    account_id BIGINT NOT NULL,
    PRIMARY KEY (week, account_id)
);

-- follows_account pages the accounts one follows by follow id (following lists).
CREATE INDEX follows_account ON follows (account_id, id);

-- notifications_group serves grouped notifications: a group's members in id order.
CREATE INDEX notifications_group ON notifications (account_id, group_key, id);

-- home_feed_reads records when each user last read their home timeline
-- (written at most hourly): a feed unread for longer than fan-out keeps
-- feeds of inactive users is rebuilt on the next read.
CREATE TABLE home_feed_reads (
    account_id BIGINT PRIMARY KEY,
    read_at    BIGINT NOT NULL
);

-- Write path. follows_fanout: fan-out pages a status's followers by
-- follower id, a range scan of this index instead of a sort of all of them.
-- follows_notify: posting finds the followers who asked for status
-- notifications without reading every follower row.
CREATE INDEX follows_fanout ON follows (target_account_id, account_id);
CREATE INDEX follows_notify ON follows (target_account_id) WHERE notify;

-- statuses_one_boost: an account boosts a status at most once, even when two
-- requests race (the loser answers with the winner's boost).
CREATE UNIQUE INDEX statuses_one_boost ON statuses (account_id, reblog_of_id) WHERE reblog_of_id IS NOT NULL;
