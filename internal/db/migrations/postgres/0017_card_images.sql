-- A preview card's image is copied into media storage (image_key, ''
-- when not copied), so readers never load it from the linked site;
-- image_url stays the linked page's image address, fetched again when
-- the card is refreshed.
ALTER TABLE preview_cards ADD COLUMN image_key TEXT NOT NULL DEFAULT '';
