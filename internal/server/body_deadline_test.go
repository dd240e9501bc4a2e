package server_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"herd/internal/config"
	"herd/internal/testrig"
)

// slowBodyConfig gives bodies 300 ms before they must average 1 KB/s.
func slowBodyConfig(c *config.Config) {
	c.BodyReadGrace = 300 * time.Millisecond
	c.BodyMinRate = 1024
}

// TestTrickledBodyIsCut: a client that announces a 100 KB body and sends
// it a byte at a time has its connection closed soon after the grace
// period, whether or not the handler reads the body (an anonymous post is
// refused unread; a sign-up form is read).
func TestTrickledBodyIsCut(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite, slowBodyConfig)
	for _, path := range []string{"/api/v1/statuses", "/auth/sign_up"} {
		t.Run(strings.Trim(path, "/"), func(t *testing.T) {
			conn, err := net.Dial("tcp", inst.HTTP.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			_, err = io.WriteString(conn, "POST "+path+" HTTP/1.1\r\nHost: "+inst.Domain+
				"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nx")
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan struct{})
			defer close(done)
			go func() { // a byte every 100 ms, until the server hangs up
				tick := time.NewTicker(100 * time.Millisecond)
				defer tick.Stop()
				for {
					select {
					case <-done:
						return
					case <-tick.C:
						if _, err := conn.Write([]byte("x")); err != nil {
							return
						}
					}
				}
			}()
			// Whatever the server answers, it must then close the
			// connection; testrig.WaitTimeout is only a safety net
			// (without the deadline the connection stays open for the
			// whole 1,000 s the body takes at this rate).
			conn.SetReadDeadline(time.Now().Add(testrig.WaitTimeout))
			_, err = io.Copy(io.Discard, conn)
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("connection trickling a body still open after %v", testrig.WaitTimeout)
			}
		})
	}
}

// TestSteadyBodyOutlastsGrace: a body that arrives well above the minimum
// rate is read whole, though it takes longer than the grace period.
func TestSteadyBodyOutlastsGrace(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite, slowBodyConfig)
	alice := inst.NewUser(t, "alice")
	body := "status=steady&pad=" + strings.Repeat("x", 8000)
	pr, pw := io.Pipe()
	go func() { // 1 KB every 100 ms: 10 KB/s, ten times the minimum, for 0.8 s
		for rest := body; rest != ""; {
			n := min(1024, len(rest))
			if _, err := io.WriteString(pw, rest[:n]); err != nil {
				return
			}
			rest = rest[n:]
			time.Sleep(100 * time.Millisecond) // the client's pace, not a wait
		}
		pw.Close()
	}()
	req, err := http.NewRequest("POST", inst.URL+"/api/v1/statuses", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+alice.Token)
	resp, err := inst.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(bufio.NewReader(resp.Body))
		t.Fatalf("steady post = %d: %s", resp.StatusCode, b)
	}
}
