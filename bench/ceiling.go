package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// ceilingFile is what the ceiling server answers: the bytes and headers
// Herd returned for one request.
type ceilingFile struct {
	Header map[string]string `json:"header"`
	Body   []byte            `json:"body"`
}

// ceilingCommand serves one captured response from memory to every request
// on a fresh loopback port, printing the address on its first line. It is
// the upper bound for any server answering the same bytes over the same
// loopback HTTP stack: no routing, no auth, no database, no encoding.
func ceilingCommand(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench ceiling", flag.ContinueOnError)
	file := fs.String("file", "", "captured response (JSON: header, body)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	raw, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	var cf ceilingFile
	if err := json.Unmarshal(raw, &cf); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Println(ln.Addr().String())
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range cf.Header {
			w.Header().Set(k, v)
		}
		w.Write(cf.Body)
	})
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// startCeiling writes the captured response to dir and starts this very
// program as `ceiling` in its own process, like herd, so both servers are
// measured the same way. It returns the base URL and a stop function.
func startCeiling(ctx context.Context, dir string, header http.Header, body []byte) (string, func(), error) {
	cf := ceilingFile{Header: map[string]string{}, Body: body}
	for _, k := range []string{"Content-Type", "Link", "Cache-Control", "Vary"} {
		if v := header.Get(k); v != "" {
			cf.Header[k] = v
		}
	}
	raw, err := json.Marshal(cf)
	if err != nil {
		return "", nil, err
	}
	path := filepath.Join(dir, "ceiling.json")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		return "", nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	cmd := exec.CommandContext(ctx, self, "ceiling", "-file", path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() }
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		stop()
		return "", nil, fmt.Errorf("ceiling server: %w", err)
	}
	return "http://" + strings.TrimSpace(line), stop, nil
}
