package web_test

import (
	"encoding/json"
	"os/exec"
	"testing"

	"herd/internal/text"
)

// TestCounterMatchesServer: the composer's character counter
// (static/js/compose.js, run by Node when it is installed) counts every
// sample as the server's limit does, so the number shown is the one the
// server enforces.
func TestCounterMatchesServer(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed: the counter is checked in the browser tests")
	}
	samples := []string{
		"", "hello", "  padded  \n", "héllo wörld", "emoji 🐑🐑 and 👩‍👩‍👧",
		"see https://example.com/a/very/long/path?with=query#and-fragment",
		"see https://example.com.", "(see https://example.com/a)", "https://en.wikipedia.org/wiki/Go_(language) ok",
		"two https://a.example and http://b.example/x, done", "xhttps://glued.example", "#https://tag.example",
		"hi @alice and @bob@remote.example and @carol@sub.remote.example!", "mail me@example.com",
		"https://example.com:8080/path port", "http://", "HTTPS://UPPER.EXAMPLE/CASE",
	}
	raw, _ := json.Marshal(samples)
	script := `global.window = {}; global.document = {addEventListener: function () {}};
require(process.argv[1]);
var samples = JSON.parse(process.argv[2]);
console.log(JSON.stringify(samples.map(function (s) { return window.Herd.count(s); })));`
	out, err := exec.Command(node, "-e", script, "./static/js/compose.js", string(raw)).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v: %s", err, out)
	}
	var counts []int
	if err := json.Unmarshal(out, &counts); err != nil {
		t.Fatalf("node said %s", out)
	}
	for i, s := range samples {
		if want := text.Length(s); counts[i] != want {
			t.Errorf("%q: the counter says %d, the server %d", s, counts[i], want)
		}
	}
}
