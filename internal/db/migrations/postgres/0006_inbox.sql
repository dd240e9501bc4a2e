-- The receiving half of federation.
-- inbox_seen remembers the ids of incoming activities already processed, so
-- a duplicate delivery (servers retry, relays repeat) changes nothing.
CREATE TABLE inbox_seen (
    uri        TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL
);
-- tombstones remember objects a remote deleted or undid before Herd saw
-- them (a Delete or Undo overtaking its Create or Like in the queues of the
-- sender), so the late object is dropped. account_id is who deleted it.
CREATE TABLE tombstones (
    uri        TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
-- A status URI names one status: a remote Create delivered twice at once
-- (two workers, two nodes) must not store it twice. Empty URIs are exempt.
CREATE UNIQUE INDEX statuses_uri_unique ON statuses (uri) WHERE uri <> '';
DROP INDEX statuses_uri;
-- follows.uri and follow_requests.uri find the follow an Undo or Accept names.
CREATE INDEX follows_uri ON follows (uri) WHERE uri <> '';
CREATE INDEX follow_requests_uri ON follow_requests (uri) WHERE uri <> '';
