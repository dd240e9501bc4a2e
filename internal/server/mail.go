package server

import (
	"herd/internal/config"
	"herd/internal/core"
	"herd/internal/mail"
)

// setMailer gives core the SMTP server of the settings, when there is one.
func setMailer(c *core.Core, cfg *config.Config) {
	if cfg.SMTPHost == "" {
		return
	}
	c.SetMailer(&mail.SMTP{Host: cfg.SMTPHost, Port: cfg.SMTPPort, Username: cfg.SMTPUsername,
		Password: cfg.SMTPPassword, From: cfg.SMTPFrom, TLS: cfg.SMTPTLS, Hello: cfg.Host()})
}
