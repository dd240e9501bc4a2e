package activitypub

import (
	"encoding/json"
	"net/http"
	"time"

	"herd/internal/core"
	"herd/internal/model"
)

// Public is the special collection that addresses everyone.
const Public = "https://www.w3.org/ns/activitystreams#Public"

// actorContext is the @context Mastodon 4.3 sends with an actor: AS2, the
// security vocabulary (publicKey) and the extensions an actor uses.
var actorContext = json.RawMessage(`["https://www.w3.org/ns/activitystreams","https://w3id.org/security/v1",` +
	`{"manuallyApprovesFollowers":"as:manuallyApprovesFollowers","toot":"http://joinmastodon.org/ns#",` +
	`"featured":{"@id":"toot:featured","@type":"@id"},"featuredTags":{"@id":"toot:featuredTags","@type":"@id"},` +
	`"alsoKnownAs":{"@id":"as:alsoKnownAs","@type":"@id"},"movedTo":{"@id":"as:movedTo","@type":"@id"},` +
	`"schema":"http://schema.org#","PropertyValue":"schema:PropertyValue","value":"schema:value",` +
	`"discoverable":"toot:discoverable","suspended":"toot:suspended","memorial":"toot:memorial",` +
	`"indexable":"toot:indexable","Hashtag":"as:Hashtag","Emoji":"toot:Emoji",` +
	`"focalPoint":{"@container":"@list","@id":"toot:focalPoint"}}]`)

// Actor is a local account's actor document (Person, or Service for a
// bot). Herd stores no account moves or aliases yet, so movedTo and
// alsoKnownAs never appear.
type Actor struct {
	Context                   json.RawMessage `json:"@context"`
	ID                        string          `json:"id"`
	Type                      string          `json:"type"`
	Following                 string          `json:"following"`
	Followers                 string          `json:"followers"`
	Inbox                     string          `json:"inbox"`
	Outbox                    string          `json:"outbox"`
	Featured                  string          `json:"featured"`
	FeaturedTags              string          `json:"featuredTags"`
	PreferredUsername         string          `json:"preferredUsername"`
	Name                      string          `json:"name"`
	Summary                   string          `json:"summary"`
	URL                       string          `json:"url"`
	ManuallyApprovesFollowers bool            `json:"manuallyApprovesFollowers"`
	Discoverable              bool            `json:"discoverable"`
	Indexable                 bool            `json:"indexable"`
	Published                 string          `json:"published"`
	Memorial                  bool            `json:"memorial"`
	PublicKey                 PublicKey       `json:"publicKey"`
	Tag                       []Tag           `json:"tag"`
	Attachment                []PropertyValue `json:"attachment"`
	Endpoints                 Endpoints       `json:"endpoints"`
	Icon                      *Image          `json:"icon,omitempty"`
	Image                     *Image          `json:"image,omitempty"`
}

// PublicKey is the key other servers verify an actor's signatures with.
type PublicKey struct {
	ID           string `json:"id"`
	Owner        string `json:"owner"`
	PublicKeyPem string `json:"publicKeyPem"`
}

// Endpoints holds the shared inbox.
type Endpoints struct {
	SharedInbox string `json:"sharedInbox"`
}

// PropertyValue is one profile field; Value is HTML.
type PropertyValue struct {
	Type  string `json:"type"`
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Image is an avatar or header.
type Image struct {
	Type      string `json:"type"`
	MediaType string `json:"mediaType,omitempty"`
	URL       string `json:"url"`
}

// actor handles GET /users/{name}: the actor document for ActivityPub
// clients, a redirect to the profile page for browsers.
func (h *Handler) actor(w http.ResponseWriter, r *http.Request) error {
	a, err := h.core.Federation.PublishedAccount(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	if !wantsActivityJSON(r) {
		return redirect(w, r, a.URL)
	}
	return writeDocument(w, h.actorDocument(a))
}

// actorDocument renders a local account as Mastodon does.
func (h *Handler) actorDocument(a *model.Account) *Actor {
	typ := "Person"
	if a.Bot {
		typ = "Service"
	}
	name := a.DisplayName
	if name == "" {
		name = a.Username
	}
	fields := make([]PropertyValue, 0, len(a.Fields))
	for _, f := range a.Fields {
		fields = append(fields, PropertyValue{Type: "PropertyValue", Name: f.Name, Value: core.FieldHTML(f.Value)})
	}
	doc := &Actor{
		Context: actorContext, ID: a.URI, Type: typ,
		Following: a.URI + "/following", Followers: a.URI + "/followers",
		Inbox: a.URI + "/inbox", Outbox: a.URI + "/outbox",
		Featured: a.URI + "/collections/featured", FeaturedTags: a.URI + "/collections/tags",
		PreferredUsername: a.Username, Name: name, Summary: a.Note, URL: a.URL,
		ManuallyApprovesFollowers: a.Locked, Discoverable: a.Discoverable, Indexable: a.Indexable,
		// Mastodon publishes only the day an account was made.
		Published: a.CreatedAt.UTC().Truncate(24 * time.Hour).Format(time.RFC3339),
		PublicKey: PublicKey{ID: a.URI + "#main-key", Owner: a.URI, PublicKeyPem: a.PublicKey},
		Tag:       h.emojiTags(name, a.Note), Attachment: fields,
		Endpoints: Endpoints{SharedInbox: h.core.BaseURL() + "/inbox"},
	}
	for _, f := range a.Fields {
		doc.Tag = append(doc.Tag, h.emojiTags(f.Name, f.Value)...)
	}
	doc.Tag = dedupeTags(doc.Tag)
	// Without an image of its own the actor has no icon/image, as Mastodon.
	if u, own := h.core.Files.AccountAvatar(a); own {
		doc.Icon = &Image{Type: "Image", MediaType: imageType(u), URL: u}
	}
	if u, own := h.core.Files.AccountHeader(a); own {
		doc.Image = &Image{Type: "Image", MediaType: imageType(u), URL: u}
	}
	return doc
}
