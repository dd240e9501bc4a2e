package activitypub

import (
	"html/template"
	"net/http"
	"strings"

	"herd/internal/core"
	"herd/internal/ids"
	"herd/internal/text"
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
		emojis := h.core.EmojiURLs("", a.DisplayName, a.Note)
		return writePage(w, pageData{Title: a.DisplayName, Handle: "@" + a.Username + "@" + h.core.Config.Domain,
			Heading: template.HTML(text.EmojifyText(a.DisplayName, emojis)),
			Body:    template.HTML(text.EmojifyHTML(a.Note, emojis)), Link: a.URI})
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
	emojis := h.core.EmojiURLs("", a.DisplayName, st.SpoilerText, st.Content)
	return writePage(w, pageData{Title: a.DisplayName, Handle: "@" + a.Username + "@" + h.core.Config.Domain,
		Heading: template.HTML(text.EmojifyText(a.DisplayName, emojis)),
		Warning: template.HTML(text.EmojifyText(st.SpoilerText, emojis)),
		Body:    template.HTML(text.EmojifyHTML(st.Content, emojis)), Link: h.noteURI(a, st)})
}

// pageData fills the page. Title is plain text (the window title);
// Heading, Warning and Body are HTML Herd rendered and escaped, custom
// emoji shown as images (text.EmojifyHTML).
type pageData struct {
	Title, Handle, Link    string
	Heading, Warning, Body template.HTML
}

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{if .Title}}{{.Title}} ({{.Handle}}){{else}}{{.Handle}}{{end}}</title>
<link rel="alternate" type="application/activity+json" href="{{.Link}}">
<style>.custom-emoji{width:1.25em;height:1.25em;object-fit:contain;vertical-align:middle}</style></head>
<body><main><h1>{{.Heading}}</h1><p>{{.Handle}}</p>{{if .Warning}}<p><strong>{{.Warning}}</strong></p>{{end}}
<div>{{.Body}}</div></main></body></html>
`))

func writePage(w http.ResponseWriter, d pageData) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Add("Vary", "Accept")
	return pageTemplate.Execute(w, d)
}
