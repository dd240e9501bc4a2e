package api

import (
	"encoding/json"
	"net/http"

	"herd/internal/core/accounts"
	"herd/internal/door"
	"herd/internal/version"
)

// NodeInfo (nodeinfo.diaspora.software, schemas 2.0 and 2.1): the discovery
// document and both schema versions, as Mastodon serves them.
const (
	nodeInfo20 = "http://nodeinfo.diaspora.software/ns/schema/2.0"
	nodeInfo21 = "http://nodeinfo.diaspora.software/ns/schema/2.1"
)

type nodeInfoLink struct {
	Rel  string `json:"rel"`
	Href string `json:"href"`
}

func (a *API) getNodeInfoLinks(w http.ResponseWriter, r *http.Request) error {
	base := a.core.BaseURL()
	return writeJSON(w, map[string][]nodeInfoLink{"links": {
		{Rel: nodeInfo20, Href: base + "/nodeinfo/2.0"},
		{Rel: nodeInfo21, Href: base + "/nodeinfo/2.1"},
	}})
}

// NodeInfo is the NodeInfo 2.0/2.1 document.
type NodeInfo struct {
	Version           string           `json:"version"`
	Software          nodeInfoSoftware `json:"software"`
	Protocols         []string         `json:"protocols"`
	Services          nodeInfoServices `json:"services"`
	Usage             nodeInfoUsage    `json:"usage"`
	OpenRegistrations bool             `json:"openRegistrations"`
	Metadata          map[string]any   `json:"metadata"`
}

// nodeInfoSoftware names the software. Name is "mastodon" so that clients
// that pick their Mastodon code paths from NodeInfo (megalodon, Phanpy) do;
// version.go says why, and Version and (2.1) Repository name Herd.
type nodeInfoSoftware struct {
	Name       string `json:"name"`
	Version    string `json:"version"`
	Repository string `json:"repository,omitempty"`
	Homepage   string `json:"homepage,omitempty"`
}

type nodeInfoServices struct {
	Outbound []string `json:"outbound"`
	Inbound  []string `json:"inbound"`
}

type nodeInfoUsage struct {
	Users struct {
		Total          int64 `json:"total"`
		ActiveMonth    int64 `json:"activeMonth"`
		ActiveHalfyear int64 `json:"activeHalfyear"`
	} `json:"users"`
	LocalPosts int64 `json:"localPosts"`
}

func (a *API) nodeInfo(schema string) door.Func {
	return func(w http.ResponseWriter, r *http.Request) error {
		stats, err := a.core.Instance.InstanceStats(r.Context())
		if err != nil {
			return err
		}
		cfg := a.core.Config
		doc := NodeInfo{
			Version:   schema,
			Software:  nodeInfoSoftware{Name: "mastodon", Version: version.NodeInfoVersion},
			Protocols: []string{"activitypub"},
			Services:  nodeInfoServices{Outbound: []string{}, Inbound: []string{}},
			// Mastodon's serializer: open unless registrations are closed
			// (approval-required sign-ups count as open).
			OpenRegistrations: cfg.RegistrationMode != accounts.RegistrationsClosed,
			Metadata:          map[string]any{"nodeName": cfg.InstanceTitle, "nodeDescription": cfg.InstanceDesc},
		}
		if schema == "2.1" {
			doc.Software.Repository, doc.Software.Homepage = version.SourceURL, version.SourceURL
		}
		doc.Usage.Users.Total = stats.Users
		doc.Usage.Users.ActiveMonth = stats.ActiveMonth
		doc.Usage.Users.ActiveHalfyear = stats.ActiveHalfyear
		doc.Usage.LocalPosts = stats.Statuses
		// The schema's media type, with its profile, as the spec asks.
		w.Header().Set("Content-Type", `application/json; profile="`+map[string]string{
			"2.0": nodeInfo20, "2.1": nodeInfo21}[schema]+`#"`)
		return json.NewEncoder(w).Encode(doc)
	}
}
