package server

import (
	"log/slog"
	"net/http"

	"herd/internal/config"
	"herd/internal/core"
	"herd/internal/core/fault"
	"herd/internal/model"
	"herd/internal/ratelimit"
)

// apiGate admits client API requests: Mastodon's rate limits (per account
// for user tokens, per client address otherwise) and then a note that the
// user was active. It runs inside the API, after authentication, because
// the per-account limit needs the token's account; hashing the bearer token
// in a middleware instead would count one person's several apps apart.
type apiGate struct {
	policy   *ratelimit.Policy
	activity *core.ActivityTracker
	log      *slog.Logger
}

func newAPIGate(cfg *config.Config, c *core.Core, log *slog.Logger) (*apiGate, error) {
	trusted, err := ratelimit.ParsePrefixes(cfg.TrustedProxies)
	if err != nil {
		return nil, err
	}
	return &apiGate{
		policy: &ratelimit.Policy{Limiter: ratelimit.New(ratelimit.Period),
			PerAccount: cfg.RateLimitPerAccount, PerIP: cfg.RateLimitPerIP, Trusted: trusted},
		activity: core.NewActivityTracker(c),
		log:      log,
	}, nil
}

// Admit implements api.Gate.
func (g *apiGate) Admit(w http.ResponseWriter, r *http.Request, v *model.Viewer) error {
	if !g.policy.Allow(w, r, v.AccountID()) {
		return fault.TooManyRequests("Too many requests")
	}
	// Failing to note activity must not fail the request it rides on.
	if err := g.activity.Note(r.Context(), v); err != nil && r.Context().Err() == nil {
		g.log.Warn("note user activity", "err", err)
	}
	return nil
}

// credentialAttempts is Mastodon's throttle on sign-in and sign-up
// attempts: 25 per address per 5 minutes (rack-attack's
// throttle_login_attempts/ip and throttle_sign_up_attempts/ip), so
// passwords cannot be guessed, nor accounts mass-created, at API speed.
const credentialAttempts = 25

// throttleCredentials wraps the whole handler: the sign-in, sign-up and
// password reset forms are not API routes, and POST /api/v1/accounts
// counts here as well as against the API limit (Mastodon throttles
// password resets by address as sign-ins: 25 per 5 minutes). It is off
// when the per-IP limit is 0.
func (g *apiGate) throttleCredentials(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bucket := ""
		if r.Method == http.MethodPost {
			switch r.URL.Path {
			case "/auth/sign_in":
				bucket = "login"
			case "/auth/sign_up", "/api/v1/accounts":
				bucket = "signup"
			case "/auth/password": // mails a reset link
				bucket = "password"
			}
		}
		if bucket != "" && g.policy.PerIP > 0 && !g.policy.AllowIP(w, r, bucket, credentialAttempts) {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write([]byte(`{"error":"Too many requests"}` + "\n"))
			return
		}
		next.ServeHTTP(w, r)
	})
}
