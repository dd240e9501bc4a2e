package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// ErrNoFFmpeg means ffmpeg or ffprobe is not installed: video, audio and
// AVIF uploads cannot be processed on this node.
var ErrNoFFmpeg = errors.New("media: ffmpeg and ffprobe are not installed")

// FFmpeg runs ffprobe and ffmpeg (Debian's packages) as child processes
// on files the server wrote itself. Every run is bounded: a time limit
// (the process is killed when it passes), an address-space limit set
// with prlimit (util-linux), no standard input, and only the file and
// pipe protocols, so a hostile file naming URLs or other files (an HLS
// or concat playlist, a QuickTime reference) cannot make it open them.
// The input's demuxer is always named from the sniffed format, never
// guessed by ffmpeg. At most Slots transcodes run at once.
type FFmpeg struct {
	FFmpegPath, FFprobePath string
	// Prlimit is util-linux's prlimit; "" runs without a memory limit.
	Prlimit     string
	MemoryBytes int64         // address space of one run
	ProbeTime   time.Duration // one ffprobe run
	Timeout     time.Duration // one ffmpeg run
	slots       chan struct{}
}

// NewFFmpeg finds the tools on PATH (ffmpeg and ffprobe missing leave
// their paths empty: uploads that need them are refused) with limits
// fit for Mastodon's largest videos (99 MB, 3840×2160, 36,000 frames),
// and one transcode per CPU.
func NewFFmpeg() *FFmpeg {
	look := func(name string) string {
		p, err := exec.LookPath(name)
		if err != nil {
			return ""
		}
		return p
	}
	return &FFmpeg{
		FFmpegPath: look("ffmpeg"), FFprobePath: look("ffprobe"), Prlimit: look("prlimit"),
		MemoryBytes: 3 << 30, ProbeTime: 30 * time.Second, Timeout: 15 * time.Minute,
		slots: make(chan struct{}, runtime.NumCPU()),
	}
}

// Available reports whether ffmpeg and ffprobe were found.
func (f *FFmpeg) Available() bool { return f != nil && f.FFmpegPath != "" && f.FFprobePath != "" }

// runError is a run that exited with an error or ran out of time: the
// file is broken or hostile (or too costly), so it counts as ErrCorrupt.
type runError struct {
	tool   string
	err    error
	stderr string
}

func (e *runError) Error() string {
	return fmt.Sprintf("media: %s: %v: %s", e.tool, e.err, e.stderr)
}

func (e *runError) Is(target error) bool { return target == ErrCorrupt }

// common arguments: quiet, no stdin, no network or other protocols.
var baseArgs = []string{"-hide_banner", "-loglevel", "error", "-protocol_whitelist", "file,pipe"}

// run runs tool with args under the limits and answers its output.
func (f *FFmpeg) run(ctx context.Context, tool, path string, limit time.Duration, args []string) ([]byte, error) {
	if !f.Available() {
		return nil, ErrNoFFmpeg
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	argv := append([]string{path}, append(append([]string{}, baseArgs...), args...)...)
	if f.Prlimit != "" && f.MemoryBytes > 0 {
		argv = append([]string{f.Prlimit, "--as=" + strconv.FormatInt(f.MemoryBytes, 10), "--core=0", "--"}, argv...)
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "LC_ALL=C"}
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &limitedBuffer{b: &stderr, max: 4096}
	err := cmd.Run()
	if err != nil {
		if parent.Err() != nil {
			return nil, parent.Err() // the caller gave up (shutdown): not the file's fault
		}
		if ctx.Err() != nil {
			err = fmt.Errorf("timed out after %s", limit)
		}
		return nil, &runError{tool: tool, err: err, stderr: strings.TrimSpace(stderr.String())}
	}
	return stdout.Bytes(), nil
}

// transcode runs ffmpeg in a slot (waiting for one).
func (f *FFmpeg) transcode(ctx context.Context, args ...string) error {
	select {
	case f.slots <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-f.slots }()
	_, err := f.run(ctx, "ffmpeg", f.FFmpegPath, f.Timeout, append([]string{"-nostdin", "-xerror"}, args...))
	return err
}

// limitedBuffer keeps the first max bytes written (ffmpeg's messages
// about a hostile file can be long).
type limitedBuffer struct {
	b   *bytes.Buffer
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.b.Len(); room > 0 {
		l.b.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}
