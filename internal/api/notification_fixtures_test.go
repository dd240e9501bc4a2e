package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
	"herd/internal/testrig"
)

// These fixtures make the rows other areas' endpoints (posting,
// favouriting, bookmarking) will make, straight through the store, so the
// notification, list and search tests do not depend on those endpoints.

// seedStatus stores a status by author with the given visibility,
// mentioning the given accounts.
func seedStatus(t *testing.T, inst *testrig.Instance, author int64, text string, vis model.Visibility, mentioned ...int64) *model.Status {
	t.Helper()
	st := &model.Status{ID: ids.New(), AccountID: author, Local: true, Text: text, Content: "<p>" + text + "</p>",
		Visibility: vis, CreatedAt: time.Now()}
	st.ConversationID = st.ID
	ctx := context.Background()
	err := inst.Store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.InsertStatus(ctx, st); err != nil {
			return err
		}
		return tx.InsertMentions(ctx, st.ID, mentioned)
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// seedMention stores a public status by author mentioning recipient and
// notifies them, as posting does.
func seedMention(t *testing.T, inst *testrig.Instance, author, recipient int64, text string) *model.Status {
	t.Helper()
	st := seedStatus(t, inst, author, text, model.Public, recipient)
	notifyOf(t, inst, recipient, author, model.NotifyMention, st.ID)
	return st
}

// exec runs one fixture statement on the write connection.
func exec(t *testing.T, inst *testrig.Instance, q string, args ...any) {
	t.Helper()
	if _, err := inst.Store.DB.Write.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// seedFavourite records who favouriting st and notifies the author, and
// returns the favourite's id.
func seedFavourite(t *testing.T, inst *testrig.Instance, who int64, st *model.Status) int64 {
	t.Helper()
	id := ids.New()
	exec(t, inst, "INSERT INTO favourites (id, account_id, status_id) VALUES ($1, $2, $3)", id, who, st.ID)
	notifyOf(t, inst, st.AccountID, who, model.NotifyFavourite, st.ID)
	return id
}

// seedBookmark records who bookmarking st and returns the bookmark's id.
func seedBookmark(t *testing.T, inst *testrig.Instance, who int64, st *model.Status) int64 {
	t.Helper()
	id := ids.New()
	exec(t, inst, "INSERT INTO bookmarks (id, account_id, status_id) VALUES ($1, $2, $3)", id, who, st.ID)
	return id
}

// seedTag attaches hashtag name to st, creating the tag if needed.
func seedTag(t *testing.T, inst *testrig.Instance, st *model.Status, name string) {
	t.Helper()
	exec(t, inst, `INSERT INTO tags (id, name, name_lower, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
		ids.New(), name, strings.ToLower(name), time.Now().UnixMilli())
	exec(t, inst, `INSERT INTO status_tags (status_id, tag_id) SELECT $1, id FROM tags WHERE name_lower = $2`,
		st.ID, strings.ToLower(name))
}

// notifyOf records a notification through core's notify rules.
func notifyOf(t *testing.T, inst *testrig.Instance, recipient, from int64, typ string, statusID int64) {
	t.Helper()
	if err := inst.Core.Notifications.RecordNotification(context.Background(), recipient, from, typ, statusID); err != nil {
		t.Fatal(err)
	}
}

// notificationRow is the Notification entity as tests read it.
type notificationRow struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	GroupKey string `json:"group_key"`
	Account  struct {
		ID string `json:"id"`
	} `json:"account"`
	Status *struct {
		ID string `json:"id"`
	} `json:"status"`
}

// listNotifications GETs a v1 notifications path and decodes it.
func listNotifications(t *testing.T, inst *testrig.Instance, token, path string) ([]notificationRow, *testrig.Response) {
	t.Helper()
	r := inst.Expect(t, 200, "GET", path, token, nil)
	var out []notificationRow
	r.JSON(t, &out)
	return out, r
}

// summary renders notifications as "type:sender" for comparisons.
func summary(list []notificationRow) string {
	parts := make([]string, len(list))
	for i, n := range list {
		parts[i] = n.Type + ":" + n.Account.ID
	}
	return strings.Join(parts, ",")
}

// statusIDsOf decodes an array of statuses to their ids.
func statusIDsOf(t *testing.T, body []byte) string {
	t.Helper()
	var list []struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = s.ID
	}
	return strings.Join(out, ",")
}
