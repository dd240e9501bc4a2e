package web

import "net/http"

// landingData fills landing.html.
type landingData struct {
	Description   string
	Registrations bool
}

// landing shows visitors what this instance is and how to join it.
func (h *Handler) landing(w http.ResponseWriter, r *http.Request) {
	d := &landingData{Description: h.core.Config.InstanceDesc, Registrations: h.core.RegistrationsOpen()}
	p := h.newPage(r, "", nil, d)
	p.Meta = &pageMeta{Description: d.Description, URL: h.core.BaseURL() + "/"}
	h.render(w, r, http.StatusOK, "landing", p)
}
