package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
	"herd/internal/testrig"
)

// relationship is the Relationship entity as tests read it.
type relationship struct {
	ID                  string  `json:"id"`
	Following           bool    `json:"following"`
	ShowingReblogs      bool    `json:"showing_reblogs"`
	Notifying           bool    `json:"notifying"`
	FollowedBy          bool    `json:"followed_by"`
	Blocking            bool    `json:"blocking"`
	BlockedBy           bool    `json:"blocked_by"`
	Muting              bool    `json:"muting"`
	MutingNotifications bool    `json:"muting_notifications"`
	MutingExpiresAt     *string `json:"muting_expires_at"`
	Requested           bool    `json:"requested"`
	RequestedBy         bool    `json:"requested_by"`
	Note                string  `json:"note"`
}

// act POSTs a relationship action (follow, block, …) and decodes the answer.
func act(t *testing.T, inst *testrig.Instance, token, action string, target int64, body any) relationship {
	t.Helper()
	r := inst.Expect(t, 200, "POST", fmt.Sprintf("/api/v1/accounts/%d/%s", target, action), token, body)
	var rel relationship
	r.JSON(t, &rel)
	if rel.ID != itoa(target) {
		t.Fatalf("%s answered relationship with %s, want %d", action, rel.ID, target)
	}
	return rel
}

// relationshipWith reads GET /api/v1/accounts/relationships for one account.
func relationshipWith(t *testing.T, inst *testrig.Instance, token string, target int64) relationship {
	t.Helper()
	r := inst.Expect(t, 200, "GET", fmt.Sprintf("/api/v1/accounts/relationships?id[]=%d", target), token, nil)
	var rels []relationship
	r.JSON(t, &rels)
	if len(rels) != 1 {
		t.Fatalf("relationships = %s", r.Body)
	}
	return rels[0]
}

// notificationsOf lists "type:from" for every notification a recipient
// has, oldest first, straight from the database.
func notificationsOf(t *testing.T, inst *testrig.Instance, recipient int64) []string {
	t.Helper()
	rows, err := inst.Store.DB.Read.QueryContext(context.Background(),
		"SELECT type, from_account_id FROM notifications WHERE account_id = $1 ORDER BY id", recipient)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var typ string
		var from int64
		if err := rows.Scan(&typ, &from); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s:%d", typ, from))
	}
	return out
}

// counts reads an account's followers and following counts through the API.
func counts(t *testing.T, inst *testrig.Instance, id int64) (followers, following int64) {
	t.Helper()
	r := inst.Expect(t, 200, "GET", fmt.Sprintf("/api/v1/accounts/%d", id), "", nil)
	var a struct {
		Followers int64 `json:"followers_count"`
		Following int64 `json:"following_count"`
	}
	r.JSON(t, &a)
	return a.Followers, a.Following
}

// postStatus stores a public status by author straight through the store
// (posting is another area's endpoint) and returns it.
func postStatus(t *testing.T, inst *testrig.Instance, author int64, text string) *model.Status {
	t.Helper()
	st := &model.Status{ID: ids.New(), AccountID: author, Local: true, Text: text, Content: "<p>" + text + "</p>",
		Visibility: model.Public, CreatedAt: time.Now()}
	st.ConversationID = st.ID
	err := inst.Store.InTx(context.Background(), func(tx *store.Store) error { return tx.InsertStatus(context.Background(), st) })
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// feedAuthors lists the authors of an account's home feed rows.
func feedAuthors(t *testing.T, inst *testrig.Instance, account int64) map[int64]int {
	t.Helper()
	rows, err := inst.Store.DB.Read.QueryContext(context.Background(),
		"SELECT author_id FROM home_feed WHERE account_id = $1", account)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var a int64
		if err := rows.Scan(&a); err != nil {
			t.Fatal(err)
		}
		out[a]++
	}
	return out
}

// accountIDs decodes an array of accounts to their ids.
func accountIDs(t *testing.T, body []byte) []string {
	t.Helper()
	var list []struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	out := make([]string, len(list))
	for i, a := range list {
		out[i] = a.ID
	}
	return out
}

func joinIDs(ids ...int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = itoa(id)
	}
	return strings.Join(s, ",")
}
