-- Instance-level moderation of federation, as Mastodon's admin domain
-- blocks and allows. domain is normalized (lowercase, punycode, no port);
-- a block covers the domain and its subdomains. Comments are '' when unset.
CREATE TABLE domain_blocks (
    id              BIGINT PRIMARY KEY,
    domain          TEXT NOT NULL,
    severity        TEXT NOT NULL DEFAULT 'silence', -- silence | suspend | noop
    reject_media    BOOLEAN NOT NULL DEFAULT FALSE,
    reject_reports  BOOLEAN NOT NULL DEFAULT FALSE,
    private_comment TEXT NOT NULL DEFAULT '',
    public_comment  TEXT NOT NULL DEFAULT '',
    obfuscate       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX domain_blocks_domain ON domain_blocks (domain);
-- domain_allows lists the only domains that federate in limited-federation
-- mode (HERD_LIMITED_FEDERATION).
CREATE TABLE domain_allows (
    id         BIGINT PRIMARY KEY,
    domain     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX domain_allows_domain ON domain_allows (domain);
-- A domain block marks the accounts it hides with the block's created_at,
-- as Mastodon does: suspended_at for suspend, silenced_at for silence, so
-- lifting the block restores exactly the accounts it touched.
ALTER TABLE accounts ADD COLUMN silenced_at BIGINT;
