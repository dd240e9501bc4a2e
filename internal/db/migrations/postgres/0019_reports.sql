-- Reports users file with the instance's moderators, as Mastodon's
-- reports: account_id reported target_account_id, citing some of its
-- statuses (status_ids, a JSON array of ids as strings) and rules
-- (rule_ids, the same), with a comment and a category (spam, legal,
-- violation, other). forward records that the reporter asked for a remote
-- account's server to be told too. action_taken_at is 0 until a
-- moderator resolves the report (unix ms, as every time here).
CREATE TABLE reports (
    id                BIGINT PRIMARY KEY,
    account_id        BIGINT NOT NULL,
    target_account_id BIGINT NOT NULL,
    status_ids        TEXT NOT NULL DEFAULT '[]',
    rule_ids          TEXT NOT NULL DEFAULT '[]',
    comment           TEXT NOT NULL DEFAULT '',
    category          TEXT NOT NULL DEFAULT 'other',
    forward           BOOLEAN NOT NULL DEFAULT FALSE,
    action_taken_at   BIGINT NOT NULL DEFAULT 0,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX reports_target ON reports (target_account_id);
CREATE INDEX reports_open ON reports (id) WHERE action_taken_at = 0;
