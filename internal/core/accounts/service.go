// Package accounts holds the use cases of local accounts and how they sign
// in: registration, passwords and their reset by mail, browser sessions,
// OAuth apps, grants and tokens, the token cache behind Authenticate,
// roles, approval and suspension, and posting preferences.
package accounts

import (
	"log/slog"

	"herd/internal/core/site"
	"herd/internal/store"
)

// Deps is what the accounts area is built from.
type Deps struct {
	Store *store.Store
	// Site makes a new account's URIs and the links in mail.
	Site site.Site
	// Log hears of replayed authorization codes and of mail that failed;
	// slog.Default() when nil.
	Log *slog.Logger
	// RegistrationMode is who may sign up: RegistrationsOpen (the default
	// when ""), RegistrationsApproval or RegistrationsClosed.
	RegistrationMode string
	// Mailer sends password reset links; without it no mail is sent and
	// password resets are not offered (MailEnabled).
	Mailer Mailer
	// AccountChanged drops what is cached about an account on this node
	// (core's caches) after the area changed it; a function because the
	// caches belong to another area. A no-op when nil.
	AccountChanged func(accountID int64)
}

// Service runs the accounts area's use cases.
type Service struct {
	store            *store.Store
	site             site.Site
	log              *slog.Logger
	registrationMode string
	mailer           Mailer // noMailer when the instance has no mail
	accountChanged   func(accountID int64)
	tokens           *tokenCache // authenticated viewers by token hash (auth.go)
}

// New builds the area from its dependencies.
func New(d Deps) *Service {
	s := &Service{store: d.Store, site: d.Site, log: d.Log, registrationMode: d.RegistrationMode,
		mailer: d.Mailer, accountChanged: d.AccountChanged, tokens: newTokenCache()}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.registrationMode == "" {
		s.registrationMode = RegistrationsOpen
	}
	if s.mailer == nil {
		s.mailer = noMailer{}
	}
	if s.accountChanged == nil {
		s.accountChanged = func(int64) {}
	}
	return s
}
