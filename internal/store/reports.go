package store

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"herd/internal/model"
)

const reportColumns = `id, account_id, target_account_id, status_ids, rule_ids, comment, category, forward,
	action_taken_at, created_at, updated_at`

// InsertReport stores a new report.
func (s *Store) InsertReport(ctx context.Context, r *model.Report) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO reports (`+reportColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		r.ID, r.AccountID, r.TargetAccountID, idListJSON(r.StatusIDs), idListJSON(r.RuleIDs), r.Comment, r.Category, r.Forward,
		msOrZero(r.ActionTakenAt), ms(r.CreatedAt), ms(r.UpdatedAt))
	return err
}

// Reports lists reports newest first, only the unresolved ones unless all.
func (s *Store) Reports(ctx context.Context, all bool, p model.Page) ([]*model.Report, error) {
	var conds []string
	if !all {
		conds = append(conds, "action_taken_at = 0")
	}
	q, args, order := pageQuery(p, reportColumns, "reports", "id", conds, nil)
	rows, err := s.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*model.Report
	for rows.Next() {
		var r model.Report
		var statuses, rules string
		var taken, created, updated int64
		if err := rows.Scan(&r.ID, &r.AccountID, &r.TargetAccountID, &statuses, &rules, &r.Comment, &r.Category, &r.Forward,
			&taken, &created, &updated); err != nil {
			return nil, err
		}
		r.StatusIDs, r.RuleIDs = parseIDList(statuses), parseIDList(rules)
		if taken != 0 {
			r.ActionTakenAt = fromMS(taken)
		}
		r.CreatedAt, r.UpdatedAt = fromMS(created), fromMS(updated)
		out = append(out, &r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	reverseIfAsc(order, out)
	return out, nil
}

// idListJSON writes ids as a JSON array of strings, as the API shows them.
func idListJSON(ids []int64) string {
	list := make([]string, 0, len(ids))
	for _, id := range ids {
		list = append(list, strconv.FormatInt(id, 10))
	}
	raw, _ := json.Marshal(list)
	return string(raw)
}

func parseIDList(raw string) []int64 {
	var list []string
	json.Unmarshal([]byte(raw), &list)
	out := make([]int64, 0, len(list))
	for _, s := range list {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

func msOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return ms(t)
}
