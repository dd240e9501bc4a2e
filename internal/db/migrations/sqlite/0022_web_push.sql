-- vapid_keys holds the instance's VAPID key pair (RFC 8292), made once on
-- first use: push services bind a subscription to the public key it was
-- made with, so the pair must never change. One row.
CREATE TABLE vapid_keys (
    id          BIGINT PRIMARY KEY,  -- always 1
    public_key  TEXT NOT NULL,
    private_key TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

-- push_subscriptions: at most one Web Push subscription per access token,
-- as Mastodon's web_push_subscriptions. access_token is the token itself,
-- which the payload carries for the app's service worker (Mastodon sends
-- it too); tokens table keeps only hashes. alerts lists the notification
-- types pushed, comma-separated.
CREATE TABLE push_subscriptions (
    id           BIGINT PRIMARY KEY,
    token_id     BIGINT NOT NULL,
    account_id   BIGINT NOT NULL,
    access_token TEXT NOT NULL,
    endpoint     TEXT NOT NULL,
    p256dh       TEXT NOT NULL,
    auth         TEXT NOT NULL,
    standard     BOOLEAN NOT NULL DEFAULT FALSE,
    alerts       TEXT NOT NULL,
    policy       TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX push_subscriptions_token ON push_subscriptions (token_id);
CREATE INDEX push_subscriptions_account ON push_subscriptions (account_id);
