package server

import (
	"herd/internal/config"
	"herd/internal/core/accounts"
	"herd/internal/mail"
)

// mailer is the SMTP server of the settings, or nil when there is none.
func mailer(cfg *config.Config) accounts.Mailer {
	if cfg.SMTPHost == "" {
		return nil
	}
	return &mail.SMTP{Host: cfg.SMTPHost, Port: cfg.SMTPPort, Username: cfg.SMTPUsername,
		Password: cfg.SMTPPassword, From: cfg.SMTPFrom, TLS: cfg.SMTPTLS, Hello: cfg.Host()}
}
