-- Attachments keep the order of the media_ids a status was posted or
-- edited with (Mastodon's ordered_media_attachment_ids). An attachment an
-- edit removed keeps its status_id, so the edit history can still show
-- it, with position -1: only positions >= 0 are the status's media now.
-- Each stored version lists its attachments' ids in order ("1,2,3").
ALTER TABLE media_attachments ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
ALTER TABLE status_edits ADD COLUMN media_ids TEXT NOT NULL DEFAULT '';
