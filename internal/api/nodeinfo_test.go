package api_test

import (
	"encoding/json"
	"testing"

	"herd/internal/config"
	"herd/internal/testrig"
	"herd/internal/version"
)

// TestNodeInfo: the discovery document links both schemas, each served
// with its profile; software.name is one megalodon's detector accepts as
// Mastodon (see version.go).
func TestNodeInfo(t *testing.T) {
	testrig.ForEachDB(t, func(t *testing.T, db testrig.DB) {
		inst := testrig.Start(t, db, func(c *config.Config) { c.Registrations = "closed" })
		inst.NewUser(t, "alice")
		var links struct{ Links []struct{ Rel, Href string } }
		inst.Expect(t, 200, "GET", "/.well-known/nodeinfo", "", nil).JSON(t, &links)
		if len(links.Links) != 2 {
			t.Fatalf("links = %+v", links)
		}
		for _, l := range links.Links {
			schema := l.Rel[len(l.Rel)-3:]
			if l.Href != inst.URL+"/nodeinfo/"+schema {
				t.Errorf("link %+v", l)
			}
			r := inst.Expect(t, 200, "GET", "/nodeinfo/"+schema, "", nil)
			if ct := r.Header.Get("Content-Type"); ct != `application/json; profile="`+l.Rel+`#"` {
				t.Errorf("%s Content-Type = %q", schema, ct)
			}
			var doc struct {
				Version  string
				Software struct {
					Name, Version, Repository string
				}
				Protocols         []string
				Services          struct{ Inbound, Outbound []string }
				OpenRegistrations bool
				Usage             struct {
					Users struct {
						Total, ActiveMonth, ActiveHalfyear int
					}
					LocalPosts *int
				}
				Metadata struct{ NodeName string }
			}
			if err := json.Unmarshal(r.Body, &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Version != schema || doc.Software.Name != "mastodon" || doc.Software.Version != version.NodeInfoVersion {
				t.Errorf("%s: %+v", schema, doc)
			}
			if (schema == "2.1") != (doc.Software.Repository != "") {
				t.Errorf("%s: repository %q", schema, doc.Software.Repository)
			}
			if len(doc.Protocols) != 1 || doc.Protocols[0] != "activitypub" || doc.Services.Inbound == nil {
				t.Errorf("%s: protocols/services %+v %+v", schema, doc.Protocols, doc.Services)
			}
			if doc.OpenRegistrations || doc.Usage.Users.Total != 1 || doc.Usage.LocalPosts == nil ||
				doc.Metadata.NodeName != "Herd test" {
				t.Errorf("%s: %+v", schema, doc)
			}
		}
	})
}
