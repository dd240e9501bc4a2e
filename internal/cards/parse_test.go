package cards

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"herd/internal/model"
)

func TestParseFallsBackToTitleAndDescription(t *testing.T) {
	base, _ := url.Parse("https://example.com/a/b")
	c, oembed := Parse(base, []byte(`<html lang="de-AT"><head><title> Plain
	title </title><meta name="description" content="About it">
	<meta name="twitter:image" content="../img.png">
	<link rel="alternate" type="application/json+oembed" href="/oembed?u=1"></head></html>`))
	if c.Title != "Plain title" || c.Description != "About it" || c.ImageURL != "https://example.com/img.png" ||
		c.Language != "de" || c.Type != "link" {
		t.Fatalf("card = %+v", c)
	}
	if oembed != "https://example.com/oembed?u=1" {
		t.Fatalf("oembed = %q", oembed)
	}
}

func TestParseKeepsOnlyPlainTextAndWebURLs(t *testing.T) {
	base, _ := url.Parse("https://example.com/")
	long := strings.Repeat("x", 5000)
	c, _ := Parse(base, []byte(`<head><meta property="og:title" content="&lt;b&gt;Bold&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;">
	<meta property="og:description" content="`+long+`">
	<meta property="og:image" content="javascript:alert(1)"></head>`))
	if c.Title != "Bold" || c.ImageURL != "" {
		t.Fatalf("card = %+v", c)
	}
	if n := len([]rune(c.Description)); n != maxDescription {
		t.Fatalf("description of %d characters, want capped at %d", n, maxDescription)
	}
}

func TestOEmbedPlayerIsReducedToOneSandboxedIframe(t *testing.T) {
	for _, tc := range []struct{ name, html, want string }{
		{"iframe kept", `<script>alert(1)</script><iframe src="https://video.example/embed/1" onload="x()" style="a"></iframe>`,
			`<iframe src="https://video.example/embed/1" width="640" height="360" frameborder="0" allowfullscreen="true" sandbox="allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-forms"></iframe>`},
		{"http iframe dropped", `<iframe src="http://video.example/embed/1"></iframe>`, ""},
		{"javascript dropped", `<iframe src="javascript:alert(1)"></iframe>`, ""},
		{"no iframe", `<div onclick="x()">hi</div>`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := &oEmbed{Type: "video", Title: "<i>Clip</i>", HTML: tc.html, Width: json.RawMessage("640"), Height: json.RawMessage(`"360"`)}
			c := &model.PreviewCard{Type: "link"}
			o.apply(c, nil)
			if c.HTML != tc.want {
				t.Fatalf("html = %q, want %q", c.HTML, tc.want)
			}
			wantType := "video"
			if tc.want == "" {
				wantType = "link"
			}
			if c.Type != wantType || c.Title != "Clip" {
				t.Fatalf("card = %+v", c)
			}
		})
	}
}
