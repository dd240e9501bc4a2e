-- Sessions remember the browser they were opened in (its User-Agent, cut
-- to 300 characters), so the account page can list them to revoke.
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
CREATE INDEX sessions_account ON sessions (account_id);

-- password_resets are the links "Forgot your password?" mails: at most
-- one per user, used once, expiring; only a SHA-256 of the secret is kept.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX password_resets_account ON password_resets (account_id);
