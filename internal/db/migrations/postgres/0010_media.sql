-- Media attachments (Mastodon's MediaAttachment). An upload belongs to its
-- account; status_id is NULL until a status attaches it (then it cannot be
-- changed through /api/v1/media, as in Mastodon), and unattached uploads
-- are removed after a day. file_key and preview_key name files in the
-- media storage (server-made keys, see internal/media); focus is "x,y"
-- ('' when unset); meta is the JSON of sizes the API reports.
CREATE TABLE media_attachments (
    id           BIGINT PRIMARY KEY,
    account_id   BIGINT NOT NULL,
    status_id    BIGINT,
    type         TEXT NOT NULL DEFAULT 'image',
    file_key     TEXT NOT NULL DEFAULT '',
    preview_key  TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL DEFAULT '',
    description  TEXT NOT NULL DEFAULT '',
    focus        TEXT NOT NULL DEFAULT '',
    blurhash     TEXT NOT NULL DEFAULT '',
    meta         TEXT NOT NULL DEFAULT '{}',
    remote_url   TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL
);
CREATE INDEX media_attachments_status ON media_attachments (status_id);
CREATE INDEX media_attachments_unattached ON media_attachments (created_at) WHERE status_id IS NULL;
