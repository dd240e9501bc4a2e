-- Storage keys (internal/media) of an account's processed avatar and
-- header, '' when it has none. avatar_url/header_url stay the origin
-- server's addresses for remote accounts; the URL shown is decided in one
-- place, core.AccountAvatar/AccountHeader: the stored file when a key is
-- set, else a remote account's origin URL, else the default image.
ALTER TABLE accounts ADD COLUMN avatar_key TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN header_key TEXT NOT NULL DEFAULT '';
