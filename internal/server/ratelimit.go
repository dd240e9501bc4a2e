package server

import (
	"crypto/sha256"
	"encoding/base64"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"herd/internal/config"
	"herd/internal/core"
	"herd/internal/core/fault"
	"herd/internal/core/instance"
	"herd/internal/model"
	"herd/internal/ratelimit"
	"herd/internal/session"
)

// apiGate admits client API requests: Mastodon's rate limits (per account
// for user tokens, per client address otherwise) and then a note that the
// user was active. It runs inside the API, after authentication, because
// the per-account limit needs the token's account; hashing the bearer token
// in a middleware instead would count one person's several apps apart.
type apiGate struct {
	policy *ratelimit.Policy
	// logins counts sign-in attempts per account name, in windows of an
	// hour (loginPeriod), apart from the API's five-minute windows.
	logins   *ratelimit.Policy
	activity *instance.ActivityTracker
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
		logins:   &ratelimit.Policy{Limiter: ratelimit.New(loginPeriod), Trusted: trusted},
		activity: c.Instance.NewActivityTracker(),
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
// Sign-ins are also limited to 25 per account name per loginPeriod.
const credentialAttempts = 25

// loginPeriod is the window of the per-account sign-in throttle: an hour,
// as rack-attack's throttle_login_attempts/email. With the 25 attempts it
// allows, a guesser rotating addresses gets 600 passwords a day on one
// account (not 7,200, as five-minute windows would give), and its owner,
// whose own attempts count too, waits at most an hour.
const loginPeriod = time.Hour

var _ session.SignInThrottle = (*apiGate)(nil)

// AllowSignIn implements session.SignInThrottle for the sign-in form and the
// password grant alike: 25 attempts per 5 minutes per address, in the
// "login" bucket both doors share, then 25 per hour per account name from
// any address (rack-attack's throttle_login_attempts/ip and /email; its
// attempts count whether they succeed or not). The address count is off
// when the per-IP limit is 0, the account count when the per-account limit
// is 0; loopback is never limited.
func (g *apiGate) AllowSignIn(w http.ResponseWriter, r *http.Request, login string) bool {
	if g.policy.PerIP > 0 && !g.policy.AllowIP(w, r, "login", credentialAttempts) {
		return false
	}
	// Trimmed and lowercased as accounts.CheckPassword finds the user, so the
	// spellings of one address share a count; hashed, so the table keeps
	// no addresses and a 64 kB name costs what a short one does.
	login = strings.ToLower(strings.TrimSpace(login))
	if login == "" || g.policy.PerAccount <= 0 {
		return true
	}
	sum := sha256.Sum256([]byte(login))
	return g.logins.AllowKey(w, r, "login:"+base64.RawURLEncoding.EncodeToString(sum[:]), credentialAttempts)
}

// throttleCredentials wraps the whole handler: the sign-up and password
// reset forms are not API routes, and POST /api/v1/accounts counts here as
// well as against the API limit (Mastodon throttles password resets by
// address as sign-ins: 25 per 5 minutes). It is off when the per-IP limit
// is 0. Sign-ins are counted by the sign-in handlers (AllowSignIn), which
// alone know the account tried, and that a token request is a password
// grant.
func (g *apiGate) throttleCredentials(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bucket := ""
		if r.Method == http.MethodPost {
			switch r.URL.Path {
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
