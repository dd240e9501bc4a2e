package api

import (
	"herd/internal/core/accounts"
	"herd/internal/core/instance"
	"herd/internal/ids"
	"herd/internal/model"
	"herd/internal/version"
)

// Instance is Mastodon's Instance entity (/api/v2/instance).
type Instance struct {
	Domain        string              `json:"domain"`
	Title         string              `json:"title"`
	Version       string              `json:"version"`
	SourceURL     string              `json:"source_url"`
	Description   string              `json:"description"`
	Usage         instanceUsage       `json:"usage"`
	Thumbnail     instanceThumbnail   `json:"thumbnail"`
	Icon          []any               `json:"icon"`
	Languages     []string            `json:"languages"`
	Configuration instanceConfig      `json:"configuration"`
	Registrations instanceRegistering `json:"registrations"`
	APIVersions   map[string]int      `json:"api_versions"`
	Contact       instanceContact     `json:"contact"`
	Rules         []Rule              `json:"rules"`
}

type instanceUsage struct {
	Users struct {
		ActiveMonth int64 `json:"active_month"`
	} `json:"users"`
}

type instanceThumbnail struct {
	URL string `json:"url"`
}

type instanceRegistering struct {
	Enabled          bool    `json:"enabled"`
	ApprovalRequired bool    `json:"approval_required"`
	Message          *string `json:"message"`
	URL              *string `json:"url"`
}

type instanceContact struct {
	Email   string   `json:"email"`
	Account *Account `json:"account"`
}

// instanceConfig is configuration in both instance entities; v1 omits
// urls, vapid and translation, and accounts.max_pinned_statuses.
type instanceConfig struct {
	URLs             *configURLs      `json:"urls,omitempty"`
	Vapid            *configVapid     `json:"vapid,omitempty"`
	Accounts         configAccounts   `json:"accounts"`
	Statuses         configStatuses   `json:"statuses"`
	MediaAttachments configMedia      `json:"media_attachments"`
	Polls            configPolls      `json:"polls"`
	Translation      *configTranslate `json:"translation,omitempty"`
}

type configURLs struct {
	Streaming string `json:"streaming"`
}

type configVapid struct {
	PublicKey string `json:"public_key"`
}

type configAccounts struct {
	MaxFeaturedTags   int  `json:"max_featured_tags"`
	MaxPinnedStatuses *int `json:"max_pinned_statuses,omitempty"`
}

type configStatuses struct {
	MaxCharacters            int `json:"max_characters"`
	MaxMediaAttachments      int `json:"max_media_attachments"`
	CharactersReservedPerURL int `json:"characters_reserved_per_url"`
}

type configMedia struct {
	SupportedMimeTypes  []string `json:"supported_mime_types"`
	ImageSizeLimit      int      `json:"image_size_limit"`
	ImageMatrixLimit    int      `json:"image_matrix_limit"`
	VideoSizeLimit      int      `json:"video_size_limit"`
	VideoFrameRateLimit int      `json:"video_frame_rate_limit"`
	VideoMatrixLimit    int      `json:"video_matrix_limit"`
	DescriptionLimit    int      `json:"description_limit"`
}

type configPolls struct {
	MaxOptions             int `json:"max_options"`
	MaxCharactersPerOption int `json:"max_characters_per_option"`
	MinExpiration          int `json:"min_expiration"`
	MaxExpiration          int `json:"max_expiration"`
}

type configTranslate struct {
	Enabled bool `json:"enabled"`
}

// V1Instance is Mastodon's deprecated V1::Instance entity, which many apps
// still read first.
type V1Instance struct {
	URI              string         `json:"uri"`
	Title            string         `json:"title"`
	ShortDescription string         `json:"short_description"`
	Description      string         `json:"description"`
	Email            string         `json:"email"`
	Version          string         `json:"version"`
	URLs             v1URLs         `json:"urls"`
	Stats            v1Stats        `json:"stats"`
	Thumbnail        string         `json:"thumbnail"`
	Languages        []string       `json:"languages"`
	Registrations    bool           `json:"registrations"`
	ApprovalRequired bool           `json:"approval_required"`
	InvitesEnabled   bool           `json:"invites_enabled"`
	Configuration    instanceConfig `json:"configuration"`
	ContactAccount   *Account       `json:"contact_account"`
	Rules            []Rule         `json:"rules"`
}

type v1URLs struct {
	StreamingAPI string `json:"streaming_api"`
}

type v1Stats struct {
	UserCount   int64 `json:"user_count"`
	StatusCount int64 `json:"status_count"`
	DomainCount int64 `json:"domain_count"`
}

// Rule is Mastodon's Rule entity.
type Rule struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	Hint string `json:"hint"`
}

func ruleEntities(rules []model.Rule) []Rule {
	out := make([]Rule, 0, len(rules))
	for _, r := range rules {
		out = append(out, Rule{ID: ids.Format(r.ID), Text: r.Text, Hint: r.Hint})
	}
	return out
}

// instanceConfiguration is what clients read to size their compose box.
// Media and poll limits are Mastodon's defaults (docs.joinmastodon.org
// entities/Instance#configuration): apps validate against them, and Herd
// enforces the same ones for media (and will for polls).
func (a *API) instanceConfiguration(v2 bool, vapidKey string) instanceConfig {
	cfg := a.core.Config
	c := instanceConfig{
		Accounts: configAccounts{MaxFeaturedTags: 10},
		Statuses: configStatuses{MaxCharacters: cfg.MaxStatusChars, MaxMediaAttachments: cfg.MaxMediaAttachments, CharactersReservedPerURL: 23},
		MediaAttachments: configMedia{
			// Only what uploads accept, so apps do not offer the rest.
			SupportedMimeTypes: a.core.Files.SupportedMimeTypes(),
			ImageSizeLimit:     16 * 1024 * 1024, ImageMatrixLimit: 33177600,
			VideoSizeLimit: 99 * 1024 * 1024, VideoFrameRateLimit: 120, VideoMatrixLimit: 8294400,
			DescriptionLimit: 1500,
		},
		Polls: configPolls{MaxOptions: 4, MaxCharactersPerOption: 50, MinExpiration: 300, MaxExpiration: 2629746},
	}
	if v2 {
		pinned := cfg.MaxPinnedStatuses
		c.Accounts.MaxPinnedStatuses = &pinned
		c.URLs = &configURLs{Streaming: a.streamingURL()}
		c.Vapid = &configVapid{PublicKey: vapidKey}
		c.Translation = &configTranslate{Enabled: false}
	}
	return c
}

// streamingURL is the WebSocket origin: wss:// behind https, ws:// for
// plain-http test instances.
func (a *API) streamingURL() string {
	scheme := "wss"
	if a.core.Config.Protocol == "http" {
		scheme = "ws"
	}
	return scheme + "://" + a.core.Config.Domain
}

// instanceInfo gathers what both instance entities show.
type instanceInfo struct {
	vapidKey string // the instance's VAPID public key (v2 only)
	stats    instance.InstanceStats
	rules    []Rule
	contact  *Account
}

func (a *API) thumbnailURL() string { return a.core.BaseURL() + "/headers/original/missing.png" }

func (a *API) instanceV2(info instanceInfo) Instance {
	cfg := a.core.Config
	in := Instance{
		Domain: cfg.Domain, Title: cfg.InstanceTitle, Version: version.InstanceVersion,
		SourceURL: version.SourceURL, Description: cfg.InstanceDesc,
		Thumbnail: instanceThumbnail{URL: a.thumbnailURL()}, Icon: []any{}, Languages: []string{"en"},
		Configuration: a.instanceConfiguration(true, info.vapidKey),
		Registrations: instanceRegistering{
			Enabled:          cfg.RegistrationMode != accounts.RegistrationsClosed,
			ApprovalRequired: cfg.RegistrationMode == accounts.RegistrationsApproval,
		},
		APIVersions: map[string]int{"mastodon": version.MastodonAPIVersion},
		Contact:     instanceContact{Email: cfg.ContactEmail, Account: info.contact},
		Rules:       info.rules,
	}
	in.Usage.Users.ActiveMonth = info.stats.ActiveMonth
	return in
}

func (a *API) instanceV1(info instanceInfo) V1Instance {
	cfg := a.core.Config
	return V1Instance{
		URI: cfg.Domain, Title: cfg.InstanceTitle, ShortDescription: cfg.InstanceDesc,
		Description: cfg.InstanceDesc, Email: cfg.ContactEmail, Version: version.InstanceVersion,
		URLs: v1URLs{StreamingAPI: a.streamingURL()},
		Stats: v1Stats{UserCount: info.stats.Users, StatusCount: info.stats.Statuses,
			DomainCount: info.stats.Domains},
		Thumbnail: a.thumbnailURL(), Languages: []string{"en"},
		Registrations:    cfg.RegistrationMode != accounts.RegistrationsClosed,
		ApprovalRequired: cfg.RegistrationMode == accounts.RegistrationsApproval,
		Configuration:    a.instanceConfiguration(false, ""), ContactAccount: info.contact, Rules: info.rules,
	}
}
