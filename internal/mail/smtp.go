// Package mail sends the instance's mail through an SMTP server (a relay
// or a mail provider's submission port) with the standard library's
// net/smtp: STARTTLS whenever the server offers it, implicit TLS on port
// 465, and PLAIN authentication when a username is set (net/smtp sends it
// only over TLS, or to localhost).
package mail

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"time"
)

// SMTP is a configured SMTP server.
type SMTP struct {
	Host     string
	Port     int // 587 (submission with STARTTLS) unless set; 465 is implicit TLS
	Username string
	Password string
	From     string // the sender, "Name <address>" or a bare address
	// TLS, for tests only, replaces the TLS settings (to trust a test
	// certificate); nil verifies the server's certificate for Host.
	TLS *tls.Config
	// Hello is the name the client gives in EHLO (the instance's host).
	Hello string
}

// Send delivers a plain-text message to one address.
func (s *SMTP) Send(ctx context.Context, to, subject, body string) error {
	from, err := mail.ParseAddress(s.From)
	if err != nil {
		return fmt.Errorf("mail: sender %q: %w", s.From, err)
	}
	if strings.ContainsAny(to, "\r\n") {
		return errors.New("mail: invalid recipient")
	}
	rcpt, err := mail.ParseAddress(to)
	if err != nil {
		return fmt.Errorf("mail: recipient: %w", err)
	}
	msg, err := message(from, rcpt, subject, body, s.Hello)
	if err != nil {
		return err
	}
	c, err := s.dial(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := s.deliver(c, from.Address, rcpt.Address, msg); err != nil {
		return err
	}
	return c.Quit()
}

func (s *SMTP) port() int {
	if s.Port == 0 {
		return 587
	}
	return s.Port
}

func (s *SMTP) tlsConfig() *tls.Config {
	if s.TLS != nil {
		return s.TLS
	}
	return &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
}

// dial connects, within ctx's deadline for the whole conversation.
func (s *SMTP) dial(ctx context.Context) (*smtp.Client, error) {
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.port()))
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("mail: connect %s: %w", addr, err)
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(time.Minute)
	}
	conn.SetDeadline(deadline)
	if s.port() == 465 {
		conn = tls.Client(conn, s.tlsConfig())
	}
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("mail: %s: %w", addr, err)
	}
	return c, nil
}

func (s *SMTP) deliver(c *smtp.Client, from, to string, msg []byte) error {
	if s.Hello != "" {
		if err := c.Hello(s.Hello); err != nil {
			return fmt.Errorf("mail: EHLO: %w", err)
		}
	}
	if ok, _ := c.Extension("STARTTLS"); ok && s.port() != 465 {
		if err := c.StartTLS(s.tlsConfig()); err != nil {
			return fmt.Errorf("mail: STARTTLS: %w", err)
		}
	}
	if s.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, s.Host)); err != nil {
			return fmt.Errorf("mail: authenticate: %w", err)
		}
	}
	if err := c.Mail(from); err != nil {
		return fmt.Errorf("mail: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("mail: RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("mail: DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("mail: DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("mail: DATA: %w", err)
	}
	return nil
}

// message is the mail as sent: headers (the subject encoded for any
// script), then the body as quoted-printable UTF-8 text.
func message(from, to *mail.Address, subject, body, host string) ([]byte, error) {
	id := make([]byte, 16)
	rand.Read(id)
	if host == "" {
		host = "localhost"
	}
	var b strings.Builder
	b.WriteString("From: " + from.String() + "\r\n")
	b.WriteString("To: " + to.String() + "\r\n")
	b.WriteString("Subject: " + mime.QEncoding.Encode("utf-8", strings.NewReplacer("\r", " ", "\n", " ").Replace(subject)) + "\r\n")
	b.WriteString("Date: " + time.Now().UTC().Format(time.RFC1123Z) + "\r\n")
	b.WriteString("Message-ID: <" + hex.EncodeToString(id) + "@" + host + ">\r\n")
	b.WriteString("MIME-Version: 1.0\r\n")
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\n")
	b.WriteString("Content-Transfer-Encoding: quoted-printable\r\n\r\n")
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(strings.ReplaceAll(body, "\n", "\r\n"))); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}
