package web

import (
	"context"
	"net/http"

	"herd/internal/core/accounts"
	"herd/internal/core/domains"
	"herd/internal/core/fault"
	"herd/internal/core/instance"
	"herd/internal/model"
)

// publicRoutes registers the pages anyone may read without signing in
// (besides /@ pages, see ServeProfilePath): the instance's about page and
// privacy policy, and hashtag pages with their feeds.
// instanceData fills landing.html and about.html: what a visitor needs to
// decide whether to join, and whom to ask.
type instanceData struct {
	Description  string
	Registration string // accounts.RegistrationsOpen, RegistrationsApproval or RegistrationsClosed
	Rules        []model.Rule
	Contact      *accountItem // the admin to write to, nil before there is one
	ContactEmail string
	// About only: the numbers, and the servers moderated here when the
	// instance shows them to this viewer (BlocksHidden says they exist
	// for signed-in users only).
	Stats        *instance.InstanceStats
	DomainBlocks []domains.PublicDomainBlock
	BlocksShown  bool
	BlocksHidden bool
}

// instanceData reads the instance's description, rules and contact.
func (h *Handler) instanceData(ctx context.Context) (*instanceData, error) {
	d := &instanceData{Description: h.core.Config.InstanceDesc, Registration: h.core.Config.RegistrationMode,
		ContactEmail: h.core.Config.ContactEmail}
	if d.Registration == "" {
		d.Registration = accounts.RegistrationsOpen
	}
	var err error
	if d.Rules, err = h.core.Instance.InstanceRules(ctx); err != nil {
		return nil, err
	}
	contact, err := h.core.Instance.InstanceContact(ctx)
	if err != nil {
		return nil, err
	}
	if contact != nil && !contact.Suspended() {
		item := h.accountItem(contact)
		d.Contact = &item
	}
	return d, nil
}

// landing shows visitors what this instance is, its rules and how to
// join it or sign in.
func (h *Handler) landing(w http.ResponseWriter, r *http.Request) error {
	d, err := h.instanceData(r.Context())
	if err != nil {
		return err
	}
	p := h.newPage(r, "", nil, d)
	p.Meta = &pageMeta{Description: d.Description, URL: h.core.BaseURL() + "/"}
	h.render(w, r, http.StatusOK, "landing", p)
	return nil
}

// about handles GET /about: the landing page's facts plus the instance's
// numbers and the servers it moderates, as Mastodon's about page.
func (h *Handler) about(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := h.viewer(r)
	d, err := h.instanceData(ctx)
	if err != nil {
		return err
	}
	stats, err := h.core.Instance.InstanceStats(ctx)
	if err != nil {
		return err
	}
	d.Stats = &stats
	switch blocks, err := h.core.Domains.PublicDomainBlocks(ctx, v); {
	case err == nil:
		d.DomainBlocks, d.BlocksShown = blocks, true
	case h.core.Config.ShowDomainBlocks == domains.ShowDomainBlocksUsers:
		d.BlocksHidden = true // core refused a visitor: say where to see them
	default:
		if e, ok := fault.As(err); !ok || e.Status != http.StatusNotFound {
			return err
		}
	}
	p := h.newPage(r, "About", v, d)
	p.Nav = "about"
	p.Meta = &pageMeta{Description: d.Description, URL: h.core.BaseURL() + "/about"}
	h.render(w, r, http.StatusOK, "about", p)
	return nil
}

// privacyPolicy handles GET /privacy-policy: what this server keeps about
// its users and visitors, and what federation sends elsewhere.
func (h *Handler) privacyPolicy(w http.ResponseWriter, r *http.Request) error {
	v := h.viewer(r)
	d := &instanceData{ContactEmail: h.core.Config.ContactEmail}
	p := h.newPage(r, "Privacy policy", v, d)
	p.Meta = &pageMeta{Description: "What " + h.instanceName() + " stores about you and who sees it.",
		URL: h.core.BaseURL() + "/privacy-policy"}
	h.render(w, r, http.StatusOK, "privacy", p)
	return nil
}
