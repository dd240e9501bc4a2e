// Package mailtest is an SMTP server inside a test process: it speaks
// enough SMTP for net/smtp (EHLO, STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA),
// accepts every message and hands it to the test.
package mailtest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"io"
	"math/big"
	"mime/quotedprintable"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"herd/internal/config"
)

// Message is a message the server accepted.
type Message struct {
	From string
	To   []string
	Data string // headers and body as sent, lines ending in \n
	TLS  bool   // sent after STARTTLS
	User string // who authenticated, "" for nobody
}

// Body is the message's body, quoted-printable decoded, with \n line ends.
func (m Message) Body() string {
	_, body, _ := strings.Cut(m.Data, "\n\n")
	out, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(body)))
	if err != nil {
		return body
	}
	return strings.ReplaceAll(string(out), "\r\n", "\n")
}

// Server is a running fake SMTP server on loopback.
type Server struct {
	Host string
	Port int
	// ClientTLS trusts the server's certificate (with StartTLS).
	ClientTLS *tls.Config

	l         net.Listener
	tls       *tls.Config // offered through STARTTLS when set
	user, pwd string      // AUTH PLAIN required when set
	messages  chan Message
	wg        sync.WaitGroup
}

// Option changes what the server offers.
type Option func(*Server)

// WithSTARTTLS offers STARTTLS with a certificate made for the test.
func WithSTARTTLS() Option {
	return func(s *Server) {
		cert, pool := selfSigned()
		s.tls = &tls.Config{Certificates: []tls.Certificate{cert}}
		s.ClientTLS = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	}
}

// WithAuth requires AUTH PLAIN as user with password.
func WithAuth(user, password string) Option {
	return func(s *Server) { s.user, s.pwd = user, password }
}

// Start runs a server until the test ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port, l: l, messages: make(chan Message, 100)}
	for _, o := range opts {
		o(s)
	}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(func() { l.Close(); s.wg.Wait() })
	return s
}

// Configure points an instance's mail settings at the server.
func (s *Server) Configure(c *config.Config) {
	c.SMTPHost, c.SMTPPort, c.SMTPFrom, c.SMTPTLS = s.Host, s.Port, "Herd <notifications@herd.test>", s.ClientTLS
	if s.user != "" {
		c.SMTPUsername, c.SMTPPassword = s.user, s.pwd
	}
}

// Next waits up to ten seconds for the next message.
func (s *Server) Next(t testing.TB) Message {
	t.Helper()
	select {
	case m := <-s.messages:
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("no mail arrived within 10 s")
		return Message{}
	}
}

// None fails the test if a message arrives within d.
func (s *Server) None(t testing.TB, d time.Duration) {
	t.Helper()
	select {
	case m := <-s.messages:
		t.Fatalf("unexpected mail to %v: %s", m.To, m.Data)
	case <-time.After(d):
	}
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		conn, err := s.l.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.session(conn)
		}()
	}
}

// session speaks SMTP with one client.
func (s *Server) session(conn net.Conn) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	tp := textproto.NewConn(conn)
	reply := func(lines ...string) { tp.PrintfLine("%s", strings.Join(lines, "\r\n")) }
	reply("220 mailtest ESMTP")
	var msg Message
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			ext := []string{"250-mailtest", "250-8BITMIME"}
			if s.tls != nil && !msg.TLS {
				ext = append(ext, "250-STARTTLS")
			}
			if s.user != "" {
				ext = append(ext, "250-AUTH PLAIN")
			}
			reply(append(ext, "250 OK")...)
		case "STARTTLS":
			if s.tls == nil || msg.TLS {
				reply("502 not offered")
				continue
			}
			reply("220 go ahead")
			tc := tls.Server(conn, s.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			conn = tc
			tp = textproto.NewConn(tc)
			msg = Message{TLS: true}
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			raw, _ := base64.StdEncoding.DecodeString(resp)
			parts := strings.Split(string(raw), "\x00")
			if strings.ToUpper(mech) != "PLAIN" || len(parts) != 3 || parts[1] != s.user || parts[2] != s.pwd {
				reply("535 authentication failed")
				continue
			}
			msg.User = parts[1]
			reply("235 accepted")
		case "MAIL":
			if s.user != "" && msg.User == "" {
				reply("530 authentication required")
				continue
			}
			msg.From = address(arg)
			reply("250 OK")
		case "RCPT":
			msg.To = append(msg.To, address(arg))
			reply("250 OK")
		case "DATA":
			reply("354 end with .")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			msg.Data = string(data)
			s.messages <- msg
			msg = Message{TLS: msg.TLS, User: msg.User}
			reply("250 queued")
		case "RSET":
			msg = Message{TLS: msg.TLS, User: msg.User}
			reply("250 OK")
		case "NOOP":
			reply("250 OK")
		case "QUIT":
			reply("221 bye")
			return
		default:
			reply("502 unknown command")
		}
	}
}

// address is the mailbox of "FROM:<a@b>" or "TO:<a@b>".
func address(arg string) string {
	_, v, _ := strings.Cut(arg, ":")
	v = strings.TrimSpace(v)
	if i := strings.IndexByte(v, ' '); i >= 0 {
		v = v[:i]
	}
	return strings.Trim(v, "<>")
}

// selfSigned makes a certificate for 127.0.0.1 and a pool trusting it.
func selfSigned() (tls.Certificate, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mailtest"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}, pool
}
