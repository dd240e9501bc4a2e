package activitypub

import (
	"encoding/json"
	"testing"
)

// TestMediaAttachments reads attachments in the shapes servers send them
// and skips what is not media.
func TestMediaAttachments(t *testing.T) {
	raw := `[
	  {"type":"Document","mediaType":"image/png","url":"https://r.example/a.png","name":"alt",
	   "blurhash":"UABC12","focalPoint":[0.5,-0.5],"width":800,"height":600},
	  {"type":"Image","url":{"type":"Link","href":"https://r.example/b.jpg","mediaType":"image/jpeg"}},
	  {"type":"Video","mediaType":"video/mp4","url":["https://r.example/c.mp4"],"name":null,"width":1920.0,"height":1080},
	  {"type":"Link","href":"https://news.example/story"},
	  {"type":"Document","mediaType":"image/png"},
	  {"type":"Document","url":"https://r.example/d.png","width":"wide"},
	  "https://r.example/e.png"
	]`
	got := mediaAttachments(json.RawMessage(raw))
	if len(got) != 3 {
		t.Fatalf("read %d attachments, want 3: %+v", len(got), got)
	}
	a, b, c := got[0], got[1], got[2]
	if a.URL != "https://r.example/a.png" || a.MediaType != "image/png" || a.Description != "alt" || a.Blurhash != "UABC12" ||
		!a.HasFocus || a.FocusX != 0.5 || a.FocusY != -0.5 || a.Width != 800 || a.Height != 600 {
		t.Errorf("Document read as %+v", a)
	}
	if b.URL != "https://r.example/b.jpg" || b.HasFocus {
		t.Errorf("Image with a Link url read as %+v", b)
	}
	if c.URL != "https://r.example/c.mp4" || c.MediaType != "video/mp4" || c.Width != 1920 || c.Description != "" {
		t.Errorf("Video read as %+v", c)
	}
	if one := mediaAttachments(json.RawMessage(`{"type":"Document","url":"https://r.example/a.png"}`)); len(one) != 1 {
		t.Errorf("a single attachment object: %+v", one)
	}
}
