-- The instance document names its contact, the oldest admin; without this
-- index finding them scanned the users table, pulling megabytes of pages
-- into memory at start-up (the readiness probe is GET /api/v2/instance).
CREATE INDEX users_admins ON users (created_at, account_id) WHERE role = 'admin';
