package config

import "testing"

// TestSMTPSettings: mail is off without a host; with one, the port
// defaults to submission (587) and the sender to notifications@ the
// domain's host; a sender that is not an address is refused.
func TestSMTPSettings(t *testing.T) {
	t.Setenv("HERD_DOMAIN", "example.com:8443")
	c, err := Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTPHost != "" || c.SMTPFrom != "" {
		t.Errorf("mail set without a host: %+v", c)
	}
	t.Setenv("HERD_SMTP_HOST", "smtp.example.com")
	t.Setenv("HERD_SMTP_USERNAME", "herd")
	if c, err = Load(nil); err != nil {
		t.Fatal(err)
	}
	if c.SMTPPort != 587 || c.SMTPFrom != "notifications@example.com" || c.SMTPUsername != "herd" {
		t.Errorf("defaults: port %d from %q user %q", c.SMTPPort, c.SMTPFrom, c.SMTPUsername)
	}
	if c, err = Load([]string{"-smtp-port", "465", "-smtp-from", "Herd <herd@example.com>"}); err != nil || c.SMTPPort != 465 || c.SMTPFrom != "Herd <herd@example.com>" {
		t.Errorf("flags: %v %+v", err, c)
	}
	if _, err := Load([]string{"-smtp-from", "not an address"}); err == nil {
		t.Error("a sender that is not an address was accepted")
	}
}
