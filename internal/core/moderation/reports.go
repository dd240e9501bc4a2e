package moderation

import (
	"context"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"herd/internal/core/fault"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/store"
)

// maxReportComment is Mastodon's limit on a local report's comment.
const maxReportComment = 1000

// ReportRequest is a report a local user files (POST /api/v1/reports).
type ReportRequest struct {
	AccountID int64
	StatusIDs []int64
	RuleIDs   []int64
	Comment   string
	Category  string // "" is other; citing rules makes it a violation, as Mastodon
	Forward   bool   // ask that a remote account's server be told too
}

// ReportCategories lists the categories a report may have.
func ReportCategories() []string {
	return []string{model.ReportSpam, model.ReportLegal, model.ReportViolation, model.ReportOther}
}

// Report files a report with the instance's moderators, as Mastodon's
// ReportService: the account must exist (404), the statuses cited must
// be its own (404 otherwise), the rules cited the instance's, the comment
// at most 1000 characters (422). It answers the report with the account
// reported. Moderators see reports with `herd admin reports list`; a
// remote account's server is not told yet, so Forward is only recorded.
func (s *Service) Report(ctx context.Context, v *model.Viewer, req ReportRequest) (*model.Report, *model.Account, error) {
	target, err := s.account(ctx, req.AccountID)
	if err != nil {
		return nil, nil, err
	}
	category := req.Category
	switch {
	case len(req.RuleIDs) > 0:
		category = model.ReportViolation
	case category == "":
		category = model.ReportOther
	case !slices.Contains(ReportCategories(), category):
		return nil, nil, fault.Unprocessable("Validation failed: Category is not included in the list")
	}
	if utf8.RuneCountInString(req.Comment) > maxReportComment {
		return nil, nil, fault.Unprocessable(fmt.Sprintf("Validation failed: Comment is too long (maximum is %d characters)", maxReportComment))
	}
	statusIDs := uniqueIDs(req.StatusIDs)
	if len(statusIDs) > 0 {
		found, err := s.store.StatusesByIDs(ctx, statusIDs)
		if err != nil {
			return nil, nil, err
		}
		for _, id := range statusIDs {
			if st := found[id]; st == nil || st.AccountID != target.ID {
				return nil, nil, fault.ErrRecordNotFound
			}
		}
	}
	ruleIDs := uniqueIDs(req.RuleIDs)
	if len(ruleIDs) > 0 {
		rules, err := s.rules(ctx)
		if err != nil {
			return nil, nil, err
		}
		for _, id := range ruleIDs {
			if !slices.ContainsFunc(rules, func(r model.Rule) bool { return r.ID == id }) {
				return nil, nil, fault.Unprocessable("Validation failed: Rules are not the instance's")
			}
		}
	}
	now := time.Now()
	r := &model.Report{ID: ids.New(), AccountID: v.AccountID(), TargetAccountID: target.ID, StatusIDs: statusIDs,
		RuleIDs: ruleIDs, Comment: req.Comment, Category: category, Forward: req.Forward && !target.Local(),
		CreatedAt: now, UpdatedAt: now}
	if err := s.store.InTx(ctx, func(tx *store.Store) error { return tx.InsertReport(ctx, r) }); err != nil {
		return nil, nil, err
	}
	return r, target, nil
}

// Reports lists reports for moderators, newest first: the open ones, or
// all.
func (s *Service) Reports(ctx context.Context, all bool, p model.Page) ([]*model.Report, error) {
	return s.store.Reports(ctx, all, p)
}

// uniqueIDs drops repeated ids, keeping the first of each in order.
func uniqueIDs(list []int64) []int64 {
	var out []int64
	for _, id := range list {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
