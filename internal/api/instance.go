package api

import (
	"html"
	"net/http"
	"strconv"
	"time"

	"herd/internal/core/fault"
)

// instanceInfo loads the stats, rules and contact account both instance
// entities show.
//
// v2 shows only the monthly active users, so it counts only those (it is
// the readiness probe: the less it reads, the less memory a fresh server
// has touched); v1 shows all the counts.
func (a *API) loadInstanceInfo(r *http.Request, allStats bool) (instanceInfo, error) {
	ctx := r.Context()
	var info instanceInfo
	var err error
	if allStats {
		info.stats, err = a.core.Instance.InstanceStats(ctx)
	} else {
		info.stats.ActiveMonth, err = a.core.Instance.ActiveUsersThisMonth(ctx)
	}
	if err != nil {
		return info, err
	}
	rules, err := a.core.Instance.InstanceRules(ctx)
	if err != nil {
		return info, err
	}
	info.rules = ruleEntities(rules)
	contact, err := a.core.Instance.InstanceContact(ctx)
	if err != nil {
		return info, err
	}
	if contact != nil {
		e := a.accountEntity(contact)
		info.contact = &e
	}
	if !allStats { // v2, whose configuration shows the VAPID key
		if info.vapidKey, err = a.core.Push.ServerKey(ctx); err != nil {
			return info, err
		}
	}
	return info, nil
}

func (a *API) getInstanceV2(w http.ResponseWriter, r *http.Request) error {
	info, err := a.loadInstanceInfo(r, false)
	if err != nil {
		return err
	}
	return writeJSON(w, a.instanceV2(info))
}

func (a *API) getInstanceV1(w http.ResponseWriter, r *http.Request) error {
	info, err := a.loadInstanceInfo(r, true)
	if err != nil {
		return err
	}
	return writeJSON(w, a.instanceV1(info))
}

func (a *API) getInstanceRules(w http.ResponseWriter, r *http.Request) error {
	rules, err := a.core.Instance.InstanceRules(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, ruleEntities(rules))
}

func (a *API) getInstancePeers(w http.ResponseWriter, r *http.Request) error {
	peers, err := a.core.Instance.InstancePeers(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, peers)
}

// weekActivity is one week of /api/v1/instance/activity; Mastodon renders
// every value, the week's unix time included, as a string.
type weekActivity struct {
	Week          string `json:"week"`
	Statuses      string `json:"statuses"`
	Logins        string `json:"logins"`
	Registrations string `json:"registrations"`
}

func (a *API) getInstanceActivity(w http.ResponseWriter, r *http.Request) error {
	weeks, err := a.core.Instance.InstanceActivity(r.Context())
	if err != nil {
		return err
	}
	out := make([]weekActivity, 0, len(weeks))
	for _, wk := range weeks {
		out = append(out, weekActivity{
			Week: strconv.FormatInt(wk.Week.Unix(), 10), Statuses: strconv.FormatInt(wk.Statuses, 10),
			Logins: strconv.FormatInt(wk.Logins, 10), Registrations: strconv.FormatInt(wk.Registrations, 10),
		})
	}
	return writeJSON(w, out)
}

// getExtendedDescription renders the configured description as the about
// page's text. It is set in configuration, not edited, so there is no edit
// time to report: updated_at is the epoch, which never changes.
func (a *API) getExtendedDescription(w http.ResponseWriter, r *http.Request) error {
	content := ""
	if d := a.core.Config.InstanceDesc; d != "" {
		content = "<p>" + html.EscapeString(d) + "</p>"
	}
	return writeJSON(w, map[string]string{"updated_at": timestamp(time.Unix(0, 0)), "content": content})
}

// getTranslationLanguages is {} (no pairs): translation is disabled.
func (a *API) getTranslationLanguages(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, map[string][]string{})
}

// emptyList answers [] for collections Herd does not hold yet.
func (a *API) emptyList(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, []any{})
}

// recordNotFound answers Mastodon's 404 for a record that does not exist.
func (a *API) recordNotFound(w http.ResponseWriter, r *http.Request) error {
	return fault.ErrRecordNotFound
}
