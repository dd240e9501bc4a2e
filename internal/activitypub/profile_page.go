package activitypub

import (
	"html/template"
	"net/http"
	"strings"

	"herd/internal/core"
	"herd/internal/ids"
)

// profilePath handles GET /@NAME and /@NAME/ID, the profile and status
// URLs people share. ActivityPub clients get the actor or Note there too,
// as Mastodon serves them (a pasted profile URL resolves). Browsers get a
// minimal page until the web UI (issue 5) renders real ones; it shows
// only what the documents publish.
func (h *Handler) profilePath(w http.ResponseWriter, r *http.Request) error {
	name, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/@"), "/")
	if name == "" || strings.Contains(name, "@") {
		return core.ErrRecordNotFound // remote accounts' pages come with the web UI
	}
	r.SetPathValue("name", name)
	if rest == "" {
		a, err := h.core.PublishedAccount(r.Context(), name)
		if err != nil {
			return err
		}
		if wantsActivityJSON(r) {
			return writeDocument(w, h.actorDocument(a))
		}
		return writePage(w, pageData{Title: a.DisplayName, Handle: "@" + a.Username + "@" + h.core.Config.Domain,
			Body: template.HTML(a.Note), Link: a.URI})
	}
	if strings.Contains(rest, "/") {
		return core.ErrRecordNotFound
	}
	id, ok := ids.Parse(rest)
	if !ok {
		return core.ErrRecordNotFound
	}
	b, err := h.core.PublishedStatus(r.Context(), name, id)
	if err != nil {
		return err
	}
	st := b.Statuses[0]
	if wantsActivityJSON(r) || st.ReblogOfID != 0 {
		return h.serveStatus(w, r, b)
	}
	a := b.Accounts[st.AccountID]
	// Local content only (PublishedStatus serves local accounts), rendered
	// and escaped by Herd's own formatter.
	return writePage(w, pageData{Title: a.DisplayName, Handle: "@" + a.Username + "@" + h.core.Config.Domain,
		Warning: st.SpoilerText, Body: template.HTML(st.Content), Link: h.noteURI(a, st)})
}

type pageData struct {
	Title, Handle, Warning, Link string
	Body                         template.HTML
}

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{if .Title}}{{.Title}} ({{.Handle}}){{else}}{{.Handle}}{{end}}</title>
<link rel="alternate" type="application/activity+json" href="{{.Link}}"></head>
<body><main><h1>{{.Title}}</h1><p>{{.Handle}}</p>{{if .Warning}}<p><strong>{{.Warning}}</strong></p>{{end}}
<div>{{.Body}}</div></main></body></html>
`))

func writePage(w http.ResponseWriter, d pageData) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Add("Vary", "Accept")
	return pageTemplate.Execute(w, d)
}
