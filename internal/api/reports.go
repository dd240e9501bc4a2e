package api

import (
	"net/http"

	"herd/internal/core/fault"
	"herd/internal/core/moderation"
	"herd/internal/ids"
	"herd/internal/model"
)

// Report is Mastodon's Report entity.
type Report struct {
	ID            string   `json:"id"`
	ActionTaken   bool     `json:"action_taken"`
	ActionTakenAt *string  `json:"action_taken_at"`
	Category      string   `json:"category"`
	Comment       string   `json:"comment"`
	Forwarded     bool     `json:"forwarded"`
	CreatedAt     string   `json:"created_at"`
	StatusIDs     []string `json:"status_ids"`
	RuleIDs       []string `json:"rule_ids"`
	TargetAccount Account  `json:"target_account"`
}

// postReport handles POST /api/v1/reports: account_id, status_ids[],
// rule_ids[], comment, category and forward. A bad id is a missing record.
func (a *API) postReport(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r)
	if err != nil {
		return err
	}
	req := moderation.ReportRequest{Comment: p.str("comment"), Category: p.str("category"), Forward: p.boolean("forward", false)}
	var ok bool
	if req.AccountID, ok = ids.Parse(p.str("account_id")); !ok {
		return fault.ErrRecordNotFound
	}
	for _, s := range nonEmpty(p.list("status_ids")) {
		id, ok := ids.Parse(s)
		if !ok {
			return fault.ErrRecordNotFound
		}
		req.StatusIDs = append(req.StatusIDs, id)
	}
	for _, s := range nonEmpty(p.list("rule_ids")) {
		id, ok := ids.Parse(s)
		if !ok {
			return fault.Unprocessable("Validation failed: Rules are not the instance's")
		}
		req.RuleIDs = append(req.RuleIDs, id)
	}
	rep, target, err := a.core.Moderation.Report(r.Context(), viewerOf(r), req)
	if err != nil {
		return err
	}
	return writeJSON(w, a.reportEntity(rep, target))
}

func (a *API) reportEntity(rep *model.Report, target *model.Account) Report {
	e := Report{ID: ids.Format(rep.ID), Category: rep.Category, Comment: rep.Comment, CreatedAt: timestamp(rep.CreatedAt),
		StatusIDs: []string{}, RuleIDs: []string{}, TargetAccount: a.accountEntity(target),
		// Herd does not send reports to other servers yet (rep.Forward only
		// records the wish): nothing was forwarded.
		Forwarded: false}
	if !rep.ActionTakenAt.IsZero() {
		at := timestamp(rep.ActionTakenAt)
		e.ActionTaken, e.ActionTakenAt = true, &at
	}
	for _, id := range rep.StatusIDs {
		e.StatusIDs = append(e.StatusIDs, ids.Format(id))
	}
	for _, id := range rep.RuleIDs {
		e.RuleIDs = append(e.RuleIDs, ids.Format(id))
	}
	return e
}
