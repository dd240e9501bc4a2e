package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"herd/internal/config"
	"herd/internal/core"
	"herd/internal/db"
	"herd/internal/server"
	"herd/internal/store"
	"herd/internal/testrig"
)

// buildHerd compiles the binary once per test run.
func buildHerd(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "herd")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestServeAndAdminShareTheDatabase runs the real binary: serve on a SQLite
// file, then the admin CLI against the same file while it runs. The server
// sees the new account at once and stops honouring a suspended account's
// token within the events poll interval; SIGTERM stops it cleanly.
func TestServeAndAdminShareTheDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildHerd(t)
	dir := t.TempDir()
	addr := freePort(t)
	env := append(os.Environ(), "HERD_DB="+filepath.Join(dir, "herd.db"), "HERD_DOMAIN="+addr,
		"HERD_LISTEN="+addr, "HERD_PROTOCOL=http", "HERD_MEDIA_DIR="+filepath.Join(dir, "media"))
	serve := exec.Command(bin, "serve")
	serve.Env = env
	var logs bytes.Buffer
	serve.Stdout, serve.Stderr = &logs, &logs
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer serve.Process.Kill()
	base := "http://" + addr
	testrig.Eventually(t, "server ready:\n"+logs.String(), func() bool { return get(base+"/health", "") == 200 })

	admin := func(args ...string) string {
		cmd := exec.Command(bin, append([]string{"admin", "accounts"}, args...)...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("herd admin accounts %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	if out := admin("create", "root_admin", "--email", "root@example.com", "--password", "a long password", "--admin"); !strings.Contains(out, "created @root_admin") {
		t.Fatalf("create said %q", out)
	}
	if out := admin("list"); !strings.Contains(out, "root_admin") || !strings.Contains(out, "admin") {
		t.Fatalf("list said %q", out)
	}

	// A token for the new account, minted straight into the shared database
	// as the OAuth flow would.
	token := issueToken(t, env, "root_admin")
	if code := get(base+"/api/v1/accounts/verify_credentials", token); code != 200 {
		t.Fatalf("verify_credentials before suspension = %d", code)
	}
	admin("suspend", "root_admin")
	testrig.Eventually(t, "the suspended account's token refused",
		func() bool { return get(base+"/api/v1/accounts/verify_credentials", token) == 401 })

	serve.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- serve.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve exited with %v after SIGTERM:\n%s", err, logs.String())
		}
	case <-time.After(testrig.WaitTimeout):
		t.Fatalf("serve did not stop within %v of SIGTERM", testrig.WaitTimeout)
	}
}

func TestAdminRefusesAnUnmigratedDatabase(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildHerd(t)
	cmd := exec.Command(bin, "admin", "accounts", "list")
	cmd.Env = append(os.Environ(), "HERD_DB="+filepath.Join(t.TempDir(), "fresh.db"), "HERD_DOMAIN=localhost:8080")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "herd migrate") {
		t.Fatalf("admin on a fresh database: err %v, output %q", err, out)
	}
}

func issueToken(t *testing.T, env []string, username string) string {
	t.Helper()
	for _, kv := range env {
		if k, v, _ := strings.Cut(kv, "="); k == "HERD_DB" || k == "HERD_DOMAIN" {
			t.Setenv(k, v)
		}
	}
	cfg, err := config.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	database, err := db.Open(ctx, cfg.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer database.Close()
	st := store.New(database)
	c := core.New(core.Deps{Store: st, Config: server.CoreConfig(cfg)})
	acct, err := st.AccountByUsername(ctx, username, "")
	if err != nil {
		t.Fatal(err)
	}
	app, err := c.Accounts.CreateApp(ctx, "cli-test", "", []string{"urn:ietf:wg:oauth:2.0:oob"}, []string{"read"})
	if err != nil {
		t.Fatal(err)
	}
	it, err := c.Accounts.IssueToken(ctx, app.ID, acct.ID, []string{"read"}, false)
	if err != nil {
		t.Fatal(err)
	}
	return it.AccessToken
}

func get(url, token string) int {
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	var sink json.RawMessage
	json.NewDecoder(resp.Body).Decode(&sink)
	return resp.StatusCode
}
