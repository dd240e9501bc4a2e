-- Custom emoji, as Mastodon's custom_emojis: local ones (domain '') added
-- with `herd admin emoji add`, remote ones recorded from the Emoji tags
-- of incoming Notes and actors (domain the sender's host). image_key is
-- the stored static PNG ('' while a remote emoji is not cached);
-- image_remote_url is where a remote emoji's image comes from; uri is
-- its ActivityPub id. cached_at (unix ms, 0 for local emoji and while
-- not cached) lets the media prune drop remote files like attachments'.
-- category is '' when none. Shortcodes match case-sensitively, as
-- Mastodon's.
CREATE TABLE custom_emojis (
    id                BIGINT PRIMARY KEY,
    shortcode         TEXT NOT NULL,
    domain            TEXT NOT NULL DEFAULT '',
    image_key         TEXT NOT NULL DEFAULT '',
    image_remote_url  TEXT NOT NULL DEFAULT '',
    uri               TEXT NOT NULL DEFAULT '',
    visible_in_picker BOOLEAN NOT NULL DEFAULT TRUE,
    disabled          BOOLEAN NOT NULL DEFAULT FALSE,
    category          TEXT NOT NULL DEFAULT '',
    cached_at         BIGINT NOT NULL DEFAULT 0,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE UNIQUE INDEX custom_emojis_shortcode_domain ON custom_emojis (shortcode, domain);
CREATE INDEX custom_emojis_remote_cached ON custom_emojis (cached_at) WHERE cached_at > 0;
