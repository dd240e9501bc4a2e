package mail_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"herd/internal/mail"
	"herd/internal/mail/mailtest"
)

// TestSend: a message reaches the server with its envelope and headers,
// the subject encoded for any script and the body decoded as written;
// STARTTLS is used when offered and the login is sent over it.
func TestSend(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []mailtest.Option
		tls  bool
		user string
	}{
		{"plain", nil, false, ""},
		{"starttls and login", []mailtest.Option{mailtest.WithSTARTTLS(), mailtest.WithAuth("herd", "pw")}, true, "herd"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := mailtest.Start(t, tc.opts...)
			s := &mail.SMTP{Host: srv.Host, Port: srv.Port, From: "Herd <notifications@herd.test>", TLS: srv.ClientTLS,
				Hello: "herd.test"}
			if tc.user != "" {
				s.Username, s.Password = "herd", "pw"
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			body := "Grüße!\nA line long enough to be folded by quoted-printable encoding, which wraps at seventy-six characters.\n"
			if err := s.Send(ctx, "alice@example.com", "Réinitialiser", body); err != nil {
				t.Fatal(err)
			}
			m := srv.Next(t)
			if m.From != "notifications@herd.test" || len(m.To) != 1 || m.To[0] != "alice@example.com" || m.TLS != tc.tls || m.User != tc.user {
				t.Errorf("envelope: %+v", m)
			}
			for _, want := range []string{"Subject: =?utf-8?q?R=C3=A9initialiser?=", "To: <alice@example.com>", "Message-ID: <", "@herd.test>"} {
				if !strings.Contains(m.Data, want) {
					t.Errorf("message lacks %q: %s", want, m.Data)
				}
			}
			if m.Body() != body {
				t.Errorf("body %q, want %q", m.Body(), body)
			}
		})
	}
}

// TestSendRefusals: a wrong login and a recipient carrying header lines
// are errors, and nothing is sent.
func TestSendRefusals(t *testing.T) {
	srv := mailtest.Start(t, mailtest.WithSTARTTLS(), mailtest.WithAuth("herd", "pw"))
	s := &mail.SMTP{Host: srv.Host, Port: srv.Port, From: "notifications@herd.test", TLS: srv.ClientTLS,
		Username: "herd", Password: "wrong"}
	ctx := context.Background()
	if err := s.Send(ctx, "alice@example.com", "Hi", "text"); err == nil || !strings.Contains(err.Error(), "authenticate") {
		t.Errorf("wrong password: %v", err)
	}
	s.Password = "pw"
	if err := s.Send(ctx, "alice@example.com\r\nBcc: eve@example.com", "Hi", "text"); err == nil {
		t.Error("a recipient with a header line was accepted")
	}
	srv.None(t, 200*time.Millisecond)
}
