-- The sending half of federation asks, for every local post, whether the
-- author has any remote follower: no delivery job is queued for a post no
-- other server will receive. follows.remote_follower says the follower is a
-- remote account (an account's domain never changes, so it is set once, on
-- insert), and the partial index answers "any remote follower of X?" with
-- one probe and lists them for the delivery worker, without visiting the
-- local followers.
ALTER TABLE follows ADD COLUMN remote_follower BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE follows SET remote_follower = TRUE
    WHERE account_id IN (SELECT id FROM accounts WHERE domain <> '');
CREATE INDEX follows_remote_followers ON follows (target_account_id) WHERE remote_follower;
