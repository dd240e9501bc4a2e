package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// herdProc is a running `herd serve` subprocess.
type herdProc struct {
	cmd     *exec.Cmd
	URL     string
	Startup time.Duration // exec to first 200 on /api/v2/instance
	Health  time.Duration // exec to first 200 on /health (serving, before any instance query)
	RSS     memory        // right after ready
	RSSIdle memory        // listening, before the request that found it ready
	logPath string
	done    chan error
}

// memory is a process's resident set, now and at its peak, in bytes.
// memory is a process's resident set: Anon is memory it allocated (the Go
// heap, SQLite's page caches), File the pages of files it mapped (SQLite's
// mmap of the database), which the kernel can drop and read back at will.
type memory struct{ RSS, Peak, Anon, File int64 }

func (m memory) String() string {
	return fmt.Sprintf("%.1f MB (peak %.1f MB; allocated %.1f MB, mapped files %.1f MB)",
		float64(m.RSS)/1e6, float64(m.Peak)/1e6, float64(m.Anon)/1e6, float64(m.File)/1e6)
}

// buildHerd compiles cmd/herd into dir; tags adds build tags (benchpprof
// adds the profiling listener, see cmd/herd/pprof_bench.go).
func buildHerd(ctx context.Context, dir, tags string) (string, error) {
	bin := filepath.Join(dir, "herd")
	args := []string{"build", "-o", bin}
	if tags != "" {
		args = append(args, "-tags", tags)
	}
	cmd := exec.CommandContext(ctx, "go", append(args, "./cmd/herd")...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build herd (run bench from the module root): %w", err)
	}
	return bin, nil
}

// startHerd execs bin serve on dsn and waits for /api/v2/instance to
// answer 200, timing it. Rate limits are off: the load comes from one IP
// and a few thousand accounts at far more than 300 requests per 5 minutes.
func startHerd(ctx context.Context, bin, dsn, domain, logDir string, env []string) (*herdProc, error) {
	addr, err := freePort()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(logDir, "herd.log")
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.Command(bin, "serve", "-db", dsn, "-domain", domain, "-listen", addr,
		"-rate-limit-account", "0", "-rate-limit-ip", "0")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	p := &herdProc{cmd: cmd, URL: "http://" + addr, logPath: logPath, done: make(chan error, 1)}
	probe := &http.Client{Timeout: time.Second}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() { p.done <- cmd.Wait() }()
	for {
		if time.Since(start) > 60*time.Second {
			p.Stop()
			return nil, fmt.Errorf("herd not ready after 60 s; see %s", logPath)
		}
		select {
		case err := <-p.done:
			return nil, fmt.Errorf("herd exited before ready (%v); see %s", err, logPath)
		case <-ctx.Done():
			p.Stop()
			return nil, ctx.Err()
		default:
		}
		// /health first, to tell process start-up from the cost of the
		// instance document itself.
		path := "/api/v2/instance"
		if p.Health == 0 {
			path = "/health"
		}
		idle, _ := p.Memory()
		resp, err := probe.Get(p.URL + path)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && p.Health == 0 {
				p.Health = time.Since(start)
				continue
			}
			if resp.StatusCode == http.StatusOK {
				p.RSSIdle = idle
				break
			}
		}
		time.Sleep(time.Millisecond)
	}
	p.Startup = time.Since(start)
	p.RSS, err = p.Memory()
	return p, err
}

// Memory reads VmRSS and VmHWM from /proc (Linux).
func (p *herdProc) Memory() (memory, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(p.cmd.Process.Pid) + "/status")
	if err != nil {
		return memory{}, err
	}
	defer f.Close()
	var m memory
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(fields[1], 10, 64)
		switch fields[0] {
		case "VmRSS:":
			m.RSS = kb * 1024
		case "VmHWM:":
			m.Peak = kb * 1024
		case "RssAnon:":
			m.Anon = kb * 1024
		case "RssFile:":
			m.File = kb * 1024
		}
	}
	return m, sc.Err()
}

// Stop asks herd to shut down (SIGTERM) and waits, killing it after 30 s.
func (p *herdProc) Stop() {
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
}

// freePort finds a loopback port nobody listens on.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
