-- The sending half of federation (delivery jobs live in jobs, queues
-- "deliver" and "deliver_inbox").
-- delivery_failures holds the distinct days (days since the Unix epoch, UTC)
-- on which delivering to a host failed since it last answered; a success
-- deletes its rows. Seven days make the host unavailable (Mastodon's
-- DeliveryFailureTracker).
CREATE TABLE delivery_failures (
    domain TEXT NOT NULL,
    day    BIGINT NOT NULL,
    PRIMARY KEY (domain, day)
);
-- unavailable_domains are hosts nothing is sent to until they answer again
-- (a delivery or an incoming activity succeeds): Mastodon's UnavailableDomain.
CREATE TABLE unavailable_domains (
    domain     TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL
);
