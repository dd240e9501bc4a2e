-- A token remembers the authorization code it was issued from (the code's
-- SHA-256, as auth_codes keeps it; '' for other grants), and a token
-- refreshed from it inherits it, so a replayed code can revoke every token
-- issued on its strength (RFC 6749 §4.1.2). Most tokens have none, hence
-- the partial index.
ALTER TABLE tokens ADD COLUMN code_hash TEXT NOT NULL DEFAULT '';
CREATE INDEX tokens_code_hash ON tokens (code_hash) WHERE code_hash <> '';
