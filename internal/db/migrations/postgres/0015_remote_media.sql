-- Remote media cache. A remote attachment (remote_url set) has files
-- (file_key, preview_key) only while cached: cached_at is when they were
-- stored (unix ms; 0 while not cached, as local uploads, whose files are
-- never pruned). Cached remote files older than HERD_MEDIA_CACHE_DAYS are
-- removed (the row stays, uncached) and fetched again when viewed.
ALTER TABLE media_attachments ADD COLUMN cached_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX media_attachments_remote_cached ON media_attachments (cached_at) WHERE cached_at > 0;
