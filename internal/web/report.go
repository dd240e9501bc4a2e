package web

import (
	"net/http"
	"slices"
	"strings"

	"herd/internal/core/fault"
	"herd/internal/core/moderation"
	"herd/internal/core/timelines"
	"herd/internal/ids"
	"herd/internal/model"
)

// reportPosts is how many of the account's recent posts the report form
// offers to cite.
const reportPosts = 10

// reportData fills report.html.
type reportData struct {
	Account  accountItem
	Remote   string // the account's server, "" for a local account
	Posts    []reportPost
	Rules    []reportRule
	Category string
	Comment  string
	Forward  bool
	Sent     bool
	Page     *page
}

// reportPost is a post the form offers to cite, as one line of text.
type reportPost struct {
	ID, Text, SpoilerText, Created string
	HasMedia                       bool
	Checked                        bool
}

type reportRule struct {
	ID, Text string
	Checked  bool
}

// reportForm handles GET /accounts/{id}/report (?status_id= names a post
// to cite, checked): what is wrong, which posts, rules and a comment, as
// Mastodon's report dialog asks. ?sent=1 thanks the reporter.
func (h *Handler) reportForm(w http.ResponseWriter, r *http.Request) error {
	v := h.viewer(r)
	id, ok := ids.Parse(r.PathValue("id"))
	if !ok {
		return fault.ErrRecordNotFound
	}
	d := &reportData{Category: model.ReportSpam, Sent: r.URL.Query().Get("sent") != ""}
	var cited []int64
	if sid, ok := ids.Parse(r.URL.Query().Get("status_id")); ok {
		cited = append(cited, sid)
	}
	return h.showReport(w, r, v, id, d, cited, nil, http.StatusOK, "")
}

// showReport renders the report form for account id, the posts in cited
// and the rules in rules checked.
func (h *Handler) showReport(w http.ResponseWriter, r *http.Request, v *model.Viewer, id int64, d *reportData,
	cited, rules []int64, status int, errMsg string) error {
	ctx := r.Context()
	a, err := h.core.Account(ctx, id)
	if err != nil {
		return err
	}
	d.Account, d.Remote = h.accountItem(a), a.Domain
	if !d.Sent {
		sp, err := h.core.Timelines.AccountStatuses(ctx, v, a.ID, timelines.AccountStatusFilter{ExcludeReblogs: true}, model.Page{Limit: reportPosts})
		if err != nil {
			return err
		}
		views := sp.Statuses
		var missing []int64
		for _, sid := range cited {
			if !slices.ContainsFunc(views, func(sv *model.StatusView) bool { return sv.Status.ID == sid }) {
				missing = append(missing, sid)
			}
		}
		if len(missing) > 0 { // an older post, cited from where it was shown
			older, err := h.core.Statuses(ctx, v, missing)
			if err != nil {
				return err
			}
			for _, sv := range older {
				if sv.Status.AccountID == a.ID {
					views = append([]*model.StatusView{sv}, views...)
				}
			}
		}
		for _, sv := range views {
			st := sv.Status
			d.Posts = append(d.Posts, reportPost{ID: ids.Format(st.ID), Text: plainText(st.Content, 280), SpoilerText: st.SpoilerText,
				Created: shortDate(st.CreatedAt), HasMedia: len(sv.Media) > 0, Checked: slices.Contains(cited, st.ID)})
		}
		list, err := h.core.Instance.InstanceRules(ctx)
		if err != nil {
			return err
		}
		for _, rule := range list {
			d.Rules = append(d.Rules, reportRule{ID: ids.Format(rule.ID), Text: rule.Text, Checked: slices.Contains(rules, rule.ID)})
		}
	}
	p := h.newPage(r, "Report "+d.Account.Handle, v, d)
	p.Error = errMsg
	d.Page = p
	h.render(w, r, status, "report", p)
	return nil
}

// report handles POST /accounts/{id}/report: category, rule_ids,
// status_ids, comment and forward go to core.Report; then a page thanks
// the reporter (303 to ?sent=1), or the form comes back with the reason.
func (h *Handler) report(w http.ResponseWriter, r *http.Request) error {
	v := h.viewer(r)
	id, err := h.postedTarget(w, r)
	if err != nil {
		return err
	}
	req := moderation.ReportRequest{AccountID: id, Comment: strings.TrimSpace(r.PostFormValue("comment")),
		Category: r.PostFormValue("category"), Forward: r.PostFormValue("forward") != ""}
	for _, s := range r.PostForm["status_ids"] {
		if sid, ok := ids.Parse(s); ok {
			req.StatusIDs = append(req.StatusIDs, sid)
		}
	}
	if req.Category == model.ReportViolation { // rules are cited only for a violation
		for _, s := range r.PostForm["rule_ids"] {
			if rid, ok := ids.Parse(s); ok {
				req.RuleIDs = append(req.RuleIDs, rid)
			}
		}
	}
	_, _, err = h.core.Moderation.Report(r.Context(), v, req)
	if e, ok := fault.As(err); ok && e.Status == http.StatusUnprocessableEntity {
		d := &reportData{Category: req.Category, Comment: req.Comment, Forward: req.Forward}
		return h.showReport(w, r, v, id, d, req.StatusIDs, req.RuleIDs, e.Status, strings.TrimPrefix(e.Message, "Validation failed: "))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/accounts/"+r.PathValue("id")+"/report?sent=1", http.StatusSeeOther)
	return nil
}
