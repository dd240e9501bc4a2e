-- Video, gifv and audio uploads are processed in the background (a
-- "media" job): processing is 0 when the files are ready, 1 while the job
-- waits (file_key then names the raw upload, which is never served), 2
-- when processing failed. Existing rows are done.
ALTER TABLE media_attachments ADD COLUMN processing SMALLINT NOT NULL DEFAULT 0;
