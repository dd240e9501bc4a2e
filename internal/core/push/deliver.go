package push

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"herd/internal/core/fault"
	"herd/internal/ids"
	"herd/internal/jobs"
	"herd/internal/model"
	"herd/internal/store"
	"herd/internal/text"
	"herd/internal/webpush"
)

// Enqueue adds, inside the transaction that records a notification, one
// push job for each of the recipient's subscriptions that asked for its
// type. Who it is from (the policy) is checked when the job runs.
func (s *Service) Enqueue(ctx context.Context, tx *store.Store, n *model.Notification) error {
	subs, err := tx.PushSubscriptionsOf(ctx, n.AccountID)
	if err != nil {
		return err
	}
	for _, p := range subs {
		if !alertOn(p, n.Type) {
			continue
		}
		if _, err := tx.EnqueueJob(ctx, QueuePush, fmt.Sprintf("%d:%d", n.ID, p.ID), time.Now()); err != nil {
			return err
		}
	}
	return nil
}

// Noticed is told of every event read from the log: a notification's
// event comes after its transaction committed, so its push jobs can be
// claimed at once rather than at the workers' next poll.
func (s *Service) Noticed(e store.Event) {
	if e.Kind == store.EventNotification {
		s.wake()
	}
}

// Jobs works push jobs one by one: each posts one encrypted message to
// one push service. A subscription the push service says is gone (404,
// 410) is deleted; a refusal for good (another 4xx) drops the message;
// anything else is retried later, as deliveries are.
func (s *Service) Jobs(ctx context.Context, batch []jobs.Job) map[int64]error {
	failed := map[int64]error{}
	for _, j := range batch {
		if err := s.send(ctx, j.Payload); err != nil {
			failed[j.ID] = err
		}
	}
	return failed
}

func (s *Service) send(ctx context.Context, payload string) error {
	nid, sid, ok := parseJob(payload)
	if !ok {
		s.log.Error("push: bad job payload, dropped", "payload", payload)
		return nil
	}
	p, err := s.store.PushSubscriptionByID(ctx, sid)
	if errors.Is(err, model.ErrNotFound) {
		return nil // unsubscribed, or its token revoked
	}
	if err != nil {
		return err
	}
	nv, err := s.notification(ctx, &model.Viewer{Account: &model.Account{ID: p.AccountID}}, nid)
	if errors.Is(err, fault.ErrRecordNotFound) {
		return nil // dismissed meanwhile
	}
	if err != nil {
		return err
	}
	if ok, err := s.policyAllows(ctx, p, nv.Notification); err != nil || !ok {
		return err
	}
	body, err := s.payload(ctx, p, nv.Notification, nv.Account, nv.Status)
	if err != nil {
		return err
	}
	keys, err := s.vapid(ctx)
	if err != nil {
		return err
	}
	req, err := webpush.NewRequest(ctx, webpush.Subscription{Endpoint: p.Endpoint, P256dh: p.P256dh, Auth: p.Auth, Standard: p.Standard},
		body, *keys, s.contact, 48*time.Hour, "normal")
	if err != nil {
		return err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return s.store.InTx(ctx, func(tx *store.Store) error { return tx.DeletePushSubscription(ctx, p.ID) })
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return fmt.Errorf("push service answered %d", resp.StatusCode)
	default:
		s.log.Warn("push: refused by the push service, dropped", "status", resp.StatusCode, "subscription", p.ID)
		return nil
	}
}

func parseJob(payload string) (notificationID, subscriptionID int64, ok bool) {
	a, b, found := strings.Cut(payload, ":")
	n, err1 := strconv.ParseInt(a, 10, 64)
	s, err2 := strconv.ParseInt(b, 10, 64)
	return n, s, found && err1 == nil && err2 == nil
}

// policyAllows applies the subscription's policy, as Mastodon's: all,
// none, followed (the user follows the sender) or follower (the sender
// follows the user).
func (s *Service) policyAllows(ctx context.Context, p *model.PushSubscription, n *model.Notification) (bool, error) {
	follows := func(from, to int64) (bool, error) {
		got, err := s.store.FollowersAmong(ctx, to, []int64{from})
		return len(got) > 0, err
	}
	switch p.Policy {
	case "none":
		return false, nil
	case "followed":
		return follows(p.AccountID, n.FromAccountID)
	case "follower":
		return follows(n.FromAccountID, p.AccountID)
	}
	return true, nil
}

// Payload is what a push message carries, as Mastodon's
// Web::NotificationSerializer: enough for the app's service worker to show
// the notification and fetch the rest with the token.
type Payload struct {
	AccessToken      string `json:"access_token"`
	PreferredLocale  string `json:"preferred_locale"`
	NotificationID   string `json:"notification_id"`
	NotificationType string `json:"notification_type"`
	Icon             string `json:"icon"`
	Title            string `json:"title"`
	Body             string `json:"body"`
}

// titles are Mastodon's English subjects of each notification type.
var titles = map[string]string{
	"mention":        "%s mentioned you",
	"status":         "%s just posted",
	"reblog":         "%s boosted your post",
	"follow":         "%s is now following you",
	"follow_request": "Pending follower: %s",
	"favourite":      "%s favorited your post",
	"poll":           "A poll by %s has ended",
	"update":         "%s edited a post",
	"quote":          "%s quoted your post",
	"quoted_update":  "%s edited a post you have quoted",
	"admin.sign_up":  "%s signed up",
	"admin.report":   "%s submitted a report",
}

// bodyChars bounds the body, as Mastodon truncates it (140 characters).
const bodyChars = 140

func (s *Service) payload(ctx context.Context, p *model.PushSubscription, n *model.Notification, from *model.Account,
	st *model.StatusView) ([]byte, error) {
	name := from.DisplayName
	if name == "" {
		name = from.Username
	}
	title, ok := titles[n.Type]
	if !ok {
		title = "%s"
	}
	var body string
	switch {
	case st != nil && st.Status.SpoilerText != "":
		body = st.Status.SpoilerText
	case st != nil:
		body = text.PlainText(st.Status.Content)
	default:
		body = text.PlainText(from.Note)
	}
	locale := "en"
	if u, err := s.store.UserByAccountID(ctx, p.AccountID); err == nil && u.Locale != "" {
		locale = u.Locale
	}
	return json.Marshal(Payload{
		AccessToken: p.AccessToken, PreferredLocale: locale, NotificationID: ids.Format(n.ID), NotificationType: n.Type,
		Icon: s.avatar(from), Title: fmt.Sprintf(title, name), Body: truncate(body, bodyChars),
	})
}

// truncate cuts s to at most n characters, ending with "…" when cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
