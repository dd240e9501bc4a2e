-- Preview cards (Mastodon's PreviewCard): the metadata of a linked page,
-- one row per URL, shared by every status linking it and refreshed when
-- older than two weeks (fetched_at). Text columns are plain text, '' when
-- unset; html is only the sanitized oEmbed player of video/rich cards.
CREATE TABLE preview_cards (
    id            BIGINT PRIMARY KEY,
    url           TEXT NOT NULL,
    title         TEXT NOT NULL DEFAULT '',
    description   TEXT NOT NULL DEFAULT '',
    type          TEXT NOT NULL DEFAULT 'link', -- link | photo | video | rich
    author_name   TEXT NOT NULL DEFAULT '',
    author_url    TEXT NOT NULL DEFAULT '',
    provider_name TEXT NOT NULL DEFAULT '',
    provider_url  TEXT NOT NULL DEFAULT '',
    html          TEXT NOT NULL DEFAULT '',
    width         INTEGER NOT NULL DEFAULT 0,
    height        INTEGER NOT NULL DEFAULT 0,
    image_url     TEXT NOT NULL DEFAULT '',
    embed_url     TEXT NOT NULL DEFAULT '',
    blurhash      TEXT NOT NULL DEFAULT '',
    language      TEXT NOT NULL DEFAULT '',
    published_at  BIGINT,
    fetched_at    BIGINT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX preview_cards_url ON preview_cards (url);
-- status_cards links a status to the card of its first link.
CREATE TABLE status_cards (
    status_id BIGINT PRIMARY KEY,
    card_id   BIGINT NOT NULL
);
CREATE INDEX status_cards_card ON status_cards (card_id);
