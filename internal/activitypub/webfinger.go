package activitypub

import (
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"

	"herd/internal/core/fault"
)

// WebFinger (RFC 7033) as Mastodon answers it: acct:NAME@DOMAIN, the
// actor URL and the profile URL name a local account; acct:DOMAIN@DOMAIN
// and the /actor URL name the instance actor.

// JRD is a WebFinger answer.
type JRD struct {
	Subject string    `json:"subject"`
	Aliases []string  `json:"aliases"`
	Links   []JRDLink `json:"links"`
}

// JRDLink is one link of a JRD; Template is set instead of Href for the
// OStatus subscribe link.
type JRDLink struct {
	Rel      string `json:"rel"`
	Type     string `json:"type,omitempty"`
	Href     string `json:"href,omitempty"`
	Template string `json:"template,omitempty"`
}

const (
	relProfilePage = "http://webfinger.net/rel/profile-page"
	relAvatar      = "http://webfinger.net/rel/avatar"
	relSubscribe   = "http://ostatus.org/schema/1.0/subscribe"
)

// errBadResource answers a missing or malformed resource parameter.
var errBadResource = fault.BadRequest("Invalid resource")

// webfinger handles GET /.well-known/webfinger?resource=….
func (h *Handler) webfinger(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	name, instance, err := h.resourceUsername(r.URL.Query().Get("resource"))
	if err != nil {
		return err
	}
	domain := h.core.Config.Domain
	subscribe := JRDLink{Rel: relSubscribe, Template: h.core.BaseURL() + "/authorize_interaction?uri={uri}"}
	var jrd JRD
	if instance {
		actor := h.instanceActorURI()
		jrd = JRD{Subject: "acct:" + domain + "@" + domain, Aliases: []string{actor}, Links: []JRDLink{
			{Rel: relProfilePage, Type: "text/html", Href: h.instanceActorURL()},
			{Rel: "self", Type: "application/activity+json", Href: actor},
			subscribe,
		}}
	} else {
		a, err := h.core.Federation.PublishedAccount(r.Context(), name)
		if err != nil {
			return err
		}
		jrd = JRD{Subject: "acct:" + a.Username + "@" + domain, Aliases: []string{a.URL, a.URI}, Links: []JRDLink{
			{Rel: relProfilePage, Type: "text/html", Href: a.URL},
			{Rel: "self", Type: "application/activity+json", Href: a.URI},
			subscribe,
		}}
		if u, own := h.core.Files.AccountAvatar(a); own {
			jrd.Links = append(jrd.Links, JRDLink{Rel: relAvatar, Type: imageType(u), Href: u})
		}
	}
	body, err := marshal(jrd)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/jrd+json; charset=utf-8")
	w.Header().Add("Vary", "Accept")
	w.Header().Set("Cache-Control", "max-age=259200, public") // three days, as Mastodon
	_, err = w.Write(body)
	return err
}

// resourceUsername reads a WebFinger resource: the local username it
// names, or instance when it names the instance actor. A resource on
// another domain is a 404 (this server answers only for itself), one that
// is neither an acct: address nor an http(s) URL a 400.
func (h *Handler) resourceUsername(resource string) (name string, instance bool, err error) {
	resource = strings.TrimSpace(resource)
	if resource == "" {
		return "", false, errBadResource
	}
	lower := strings.ToLower(resource)
	if strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://") {
		u, err := url.Parse(resource)
		if err != nil || u.Host == "" {
			return "", false, errBadResource
		}
		if !strings.EqualFold(u.Host, h.core.Config.Domain) {
			return "", false, fault.ErrRecordNotFound
		}
		p := path.Clean(u.Path)
		switch {
		case p == "/actor":
			return "", true, nil
		case strings.HasPrefix(p, "/users/") && !strings.Contains(p[len("/users/"):], "/"):
			return p[len("/users/"):], false, nil
		case strings.HasPrefix(p, "/@") && !strings.Contains(p[2:], "/"):
			return p[2:], false, nil
		}
		return "", false, fault.ErrRecordNotFound
	}
	acct := resource
	if strings.HasPrefix(lower, "acct:") {
		acct = resource[len("acct:"):]
	}
	user, domain, ok := strings.Cut(strings.TrimPrefix(acct, "@"), "@")
	if !ok || user == "" || domain == "" || strings.Contains(domain, "@") {
		return "", false, errBadResource
	}
	if !strings.EqualFold(domain, h.core.Config.Domain) {
		return "", false, fault.ErrRecordNotFound
	}
	if strings.EqualFold(user, h.core.Config.Domain) {
		return "", true, nil
	}
	return user, false, nil
}

// hostMeta handles GET /.well-known/host-meta: an XRD pointing at the
// WebFinger endpoint (RFC 6415), for clients that discover it that way.
func (h *Handler) hostMeta(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Content-Type", "application/xrd+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "max-age=259200, public")
	template := xmlEscape(h.core.BaseURL() + "/.well-known/webfinger?resource={uri}")
	_, err := w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">` + "\n" +
		`  <Link rel="lrdd" template="` + template + `"/>` + "\n" +
		`</XRD>` + "\n"))
	return err
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// imageType guesses an image's media type from its URL's extension; ""
// when it cannot tell.
func imageType(u string) string {
	if p, err := url.Parse(u); err == nil {
		u = p.Path
	}
	t := mime.TypeByExtension(strings.ToLower(path.Ext(u)))
	if t, _, err := mime.ParseMediaType(t); err == nil && strings.HasPrefix(t, "image/") {
		return t
	}
	return ""
}
