package browser

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"herd/internal/ids"
	"herd/internal/media/mediatest"
	"herd/internal/testrig"
)

// auditScript lists, in the page, what a screen reader or keyboard user
// would trip over: images without alt text, visible form fields without a
// label, buttons and links without a name, a field marked invalid without
// its error message as its description, not exactly one h1, no main
// landmark, duplicate ids, skipped heading levels, and no language on the
// page. It returns one line per problem. Links hidden from screen readers
// (aria-hidden, a second link to where a named one goes) need no name but
// must stay out of the Tab order.
const auditScript = `(function() {
var out = [];
function desc(e) {
	var s = e.tagName.toLowerCase();
	if (e.id) s += "#" + e.id;
	if (e.getAttribute("name")) s += "[name=" + e.getAttribute("name") + "]";
	if (e.className && typeof e.className === "string") s += "." + e.className.trim().split(/\s+/).join(".");
	var h = e.getAttribute("href"); if (h) s += "[href=" + h + "]";
	return s;
}
function named(e) {
	if ((e.getAttribute("aria-label") || "").trim()) return true;
	var by = e.getAttribute("aria-labelledby");
	if (by && by.split(/\s+/).some(function(id) { var l = document.getElementById(id); return l && l.textContent.trim(); })) return true;
	if ((e.getAttribute("title") || "").trim()) return true;
	return false;
}
if (!(document.documentElement.getAttribute("lang") || "").trim()) out.push("html has no lang");
document.querySelectorAll("img").forEach(function(e) {
	if (!e.hasAttribute("alt")) out.push("img without alt: " + (e.getAttribute("src") || "").slice(0, 80));
});
document.querySelectorAll("input, select, textarea").forEach(function(e) {
	var type = (e.getAttribute("type") || "").toLowerCase();
	if (type === "hidden" || type === "submit" || type === "button" || type === "reset" || type === "image") return;
	if (!e.checkVisibility({visibilityProperty: true}) && type !== "file") return;
	if (named(e)) return;
	if (e.closest("label")) return;
	if (e.id && document.querySelector('label[for="' + CSS.escape(e.id) + '"]')) return;
	out.push("field without a label: " + desc(e));
});
document.querySelectorAll("button, a[href], summary, input[type=submit], input[type=button]").forEach(function(e) {
	if (e.closest("[hidden]")) return; // not shown, not read: a script names it when it shows it
	if (e.closest("[aria-hidden=true]")) {
		if (e.getAttribute("tabindex") !== "-1") out.push("focusable but hidden from screen readers: " + desc(e));
		return;
	}
	if (named(e)) return;
	if (e.tagName === "INPUT" && (e.value || "").trim()) return;
	if ((e.textContent || "").trim()) return;
	if (Array.prototype.some.call(e.querySelectorAll("img[alt]"), function(i) { return i.alt.trim(); })) return;
	out.push((e.tagName === "A" ? "link" : e.tagName.toLowerCase()) + " without a name: " + desc(e));
});
document.querySelectorAll("[aria-invalid=true]").forEach(function(e) {
	var by = (e.getAttribute("aria-describedby") || "").split(/\s+/).filter(function(id) { var d = document.getElementById(id); return d && d.classList.contains("field-error"); });
	if (!by.length) out.push("invalid field without its error in aria-describedby: " + desc(e));
});
var h1 = document.querySelectorAll("h1").length;
if (h1 !== 1) out.push(h1 + " h1 elements, want 1");
if (!document.querySelector("main, [role=main]")) out.push("no main landmark");
var seen = {};
document.querySelectorAll("[id]").forEach(function(e) {
	if (seen[e.id] === 1) out.push("duplicate id: " + e.id);
	seen[e.id] = (seen[e.id] || 0) + 1;
});
var last = 0;
document.querySelectorAll("h1, h2, h3, h4, h5, h6").forEach(function(e) {
	var level = +e.tagName[1];
	if (last && level > last + 1) out.push("heading skips from h" + last + " to h" + level + ": " + e.textContent.trim().slice(0, 60));
	if (!last && level !== 1) out.push("the first heading is h" + level + ": " + e.textContent.trim().slice(0, 60));
	last = level;
});
return out;
})()`

// audit runs auditScript on the page shown and returns its findings.
func (b *Tab) audit() []string {
	b.t.Helper()
	return run(b, "audit the page", chromedp.Evaluate[[]string](auditScript))
}

// TestAccessibilityAudit loads the main pages, as a visitor and signed
// in, and fails with every accessibility problem auditScript finds on
// them. The pages hold what makes them full: a thread with a reply form,
// a content warning, an image with alt text, a notification, a search
// with results.
func TestAccessibilityAudit(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite)
	alice := inst.NewUser(t, "alice")
	bob := inst.NewUser(t, "bob")
	follow(t, inst, bob, alice)
	post(t, inst, alice, map[string]any{"status": "Good morning, #herd! Fresh bread at https://bakery.example/today"})
	post(t, inst, alice, map[string]any{"status": "The ending was a surprise.", "spoiler_text": "Film spoilers"})
	post(t, inst, alice, map[string]any{"status": "A picture", "media_ids": []string{upload(t, inst, alice, "A loaf on a board")}})
	first := post(t, inst, bob, map[string]any{"status": "@alice how was the film?"})
	reply := post(t, inst, alice, map[string]any{"status": "@bob worth seeing twice", "in_reply_to_id": first})
	follow(t, inst, alice, bob)
	inHome(t, inst, bob, reply)
	inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/statuses/"+first+"/favourite", alice.Token, nil)

	var raw map[string]any
	inst.Expect(t, http.StatusOK, http.MethodPost, "/api/v1/apps", "", url.Values{
		"client_name": {"Pocket Toot"}, "redirect_uris": {"urn:ietf:wg:oauth:2.0:oob"}, "scopes": {"read write"},
	}).JSON(t, &raw)
	clientID, _ := raw["client_id"].(string)
	aliceID := ids.Format(alice.Account.ID)

	var problems []string
	check := func(b *Tab, who, path string) {
		t.Helper()
		if st := b.Open(path); st != http.StatusOK && !(st == http.StatusNotFound && strings.HasPrefix(path, "/@nobody")) {
			t.Fatalf("GET %s: %d", path, st)
		}
		for _, p := range b.audit() {
			problems = append(problems, who+" "+path+": "+p)
		}
	}
	visitor := newTabNoJS(t, inst)
	for _, path := range []string{"/", "/about", "/auth/sign_in", "/auth/sign_up", "/public/local",
		"/@alice", "/@alice/with_replies", "/@alice/media", "/@alice/" + reply, "/@bob/" + first, "/tags/herd",
		"/privacy-policy", "/@nobody"} {
		check(visitor, "visitor", path)
	}
	b := newTab(t, inst)
	b.Visit("/auth/sign_in")
	b.signIn(bob.Email, testrig.Password())
	for _, path := range []string{"/home", "/public/local", "/public", "/@alice", "/@bob/" + first,
		"/@alice/" + reply, "/notifications", "/search", "/search?q=herd", "/bookmarks", "/favourites",
		"/settings/profile", "/settings/preferences", "/settings/account", "/tags/herd",
		"/statuses/" + first + "/edit", "/statuses/" + first + "/delete", "/accounts/" + aliceID + "/report?status_id=" + reply,
		"/accounts/" + aliceID + "/block", "/accounts/" + aliceID + "/mute", "/auth/sign_in", "/@nobody",
		"/oauth/authorize?response_type=code&client_id=" + clientID + "&redirect_uri=urn:ietf:wg:oauth:2.0:oob&scope=read+write"} {
		check(b, "bob", path)
	}
	if len(problems) > 0 {
		t.Fatalf("%d accessibility problems:\n%s", len(problems), strings.Join(problems, "\n"))
	}
}

// focused describes the element that has the keyboard focus.
const focusedScript = `(function(e) {
	var cs = getComputedStyle(e);
	return {tag: e.tagName.toLowerCase(), href: e.getAttribute("href") || "", label: e.getAttribute("aria-label") || "",
		pressed: e.getAttribute("aria-pressed") || "", status: (e.closest("article.status") || {}).id || "",
		outline: cs.outlineStyle, outlineWidth: cs.outlineWidth, focusVisible: e.matches(":focus-visible")};
})(document.activeElement)`

// TestKeyboard: on home, with only the keyboard, the first Tab reaches
// the skip link; Tab then reaches the first post's favourite button,
// which Enter activates (the server has the favourite); every stop on
// the way shows a focus ring (:focus-visible draws an outline). With
// JavaScript (in place) and without (the form is sent).
func TestKeyboard(t *testing.T) {
	for _, js := range []bool{true, false} {
		t.Run(jsName(js), func(t *testing.T) { keyboard(t, js) })
	}
}

func keyboard(t *testing.T, js bool) {
	inst := testrig.Start(t, testrig.SQLite)
	alice := inst.NewUser(t, "alice")
	bob := inst.NewUser(t, "bob")
	follow(t, inst, bob, alice)
	id := post(t, inst, alice, map[string]any{"status": "Keyboards all the way down"})
	inHome(t, inst, bob, id)

	b := signedInTab(t, inst, bob, js)
	b.Visit("/home")
	tab := func() map[string]string {
		t.Helper()
		b.do("press Tab", chromedp.KeyEvent(kb.Tab))
		got := run(b, "read the focus", chromedp.Evaluate[map[string]any](focusedScript))
		m := map[string]string{}
		for k, v := range got {
			m[k] = fmt.Sprint(v)
		}
		return m
	}
	first := tab()
	if first["href"] != "#main" {
		t.Fatalf("the first Tab stop is %v, want the skip link", first)
	}
	fav := statusSel(id) + ` button[aria-label=Favourite]`
	for stops := 1; ; stops++ {
		f := tab()
		if f["outline"] == "none" || f["outlineWidth"] == "0px" || f["focusVisible"] != "true" {
			t.Errorf("Tab stop %d (%v) shows no focus ring", stops, f)
		}
		if f["status"] == "s-"+id && f["label"] == "Favourite" {
			t.Logf("the favourite button is Tab stop %d", stops)
			break
		}
		if stops == 80 {
			t.Fatalf("80 Tab stops and no favourite button on the first post; the last was %v", f)
		}
	}
	b.do("press Enter", chromedp.KeyEvent(kb.Enter))
	b.WaitFor(fav + `[aria-pressed=true]`)
	var got apiStatus
	inst.Expect(t, http.StatusOK, http.MethodGet, "/api/v1/statuses/"+id, bob.Token, nil).JSON(t, &got)
	if !got.Favourited {
		t.Fatalf("Enter on the favourite button: the server has no favourite")
	}
}

// TestPhoneNavigation: on a phone, every entry of the signed-in
// navigation is on screen at once, with nothing to scroll sideways, and
// each is big enough to tap (44 px, as WCAG's target size advises, less
// a little for the two rows' gap).
func TestPhoneNavigation(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite)
	bob := inst.NewUser(t, "bob")
	b := signedInTab(t, inst, bob, false)
	for _, v := range []viewport{phone, {name: "small phone", width: 320, height: 640, phone: true}} {
		b.do("emulate a "+v.name, v.emulate())
		b.Visit("/home")
		got := run(b, "measure the navigation", chromedp.Evaluate[[]string](`(function() {
	var out = [], nav = document.querySelector("header nav");
	if (nav.scrollWidth > nav.clientWidth) out.push("the navigation scrolls sideways: " + nav.scrollWidth + " > " + nav.clientWidth);
	nav.querySelectorAll("a, button").forEach(function(e) {
		var r = e.getBoundingClientRect();
		if (r.left < 0 || r.right > window.innerWidth) out.push(e.textContent.trim() + " is off screen (" + r.left + " to " + r.right + ")");
		if (r.height < 40 || r.width < 40) out.push(e.textContent.trim() + " is " + r.width + "×" + r.height + " px, too small to tap");
	});
	return out;
})()`))
		if len(got) > 0 {
			t.Errorf("on a %s:\n%s", v.name, strings.Join(got, "\n"))
		}
	}
}

// uploadGIF posts an animated GIF through the media API, waits until it
// is processed (a gifv, played as a looping video) and returns its id.
func uploadGIF(t *testing.T, inst *testrig.Instance, user *testrig.User) string {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "loop.gif")
	fw.Write(mediatest.AnimatedGIF(t))
	mw.WriteField("description", "A test pattern, looping")
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, inst.URL+"/api/v2/media", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+user.Token)
	resp, err := inst.HTTP.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("upload a GIF: %d %s", resp.StatusCode, raw)
	}
	var m struct{ ID, Type string }
	(&testrig.Response{Body: raw}).JSON(t, &m)
	testrig.EventuallyWithin(t, 2*time.Minute, "the GIF processed", func() bool {
		r := inst.Do(t, http.MethodGet, "/api/v1/media/"+m.ID, user.Token, nil)
		if r.Status != http.StatusOK && r.Status != http.StatusPartialContent {
			t.Fatalf("the GIF was not processed: %d %s", r.Status, r.Body)
		}
		return r.Status == http.StatusOK
	})
	return m.ID
}

// TestReducedMotion: an animated GIF plays on its own, unless the
// reader's system asks for reduced motion: then it stays still, with
// controls to play it.
func TestReducedMotion(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite)
	alice := inst.NewUser(t, "alice")
	id := post(t, inst, alice, map[string]any{"status": "Look, it moves", "media_ids": []string{uploadGIF(t, inst, alice)}})
	video := statusSel(id) + ` video.u-video`
	state := `(function(v){return {autoplay: v.hasAttribute("autoplay"), controls: v.controls, paused: v.paused}})(document.querySelector(` +
		strconv.Quote(video) + `))`

	b := newTab(t, inst)
	for _, reduce := range []bool{false, true} {
		value := "no-preference"
		if reduce {
			value = "reduce"
		}
		b.do("emulate prefers-reduced-motion: "+value, call(emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: value}},
		}))
		b.Visit("/@alice/" + id)
		got := run(b, "read the video", chromedp.Evaluate[map[string]bool](state))
		if reduce && (got["autoplay"] || !got["paused"] || !got["controls"]) {
			t.Errorf("with reduced motion the GIF is %v, want still, with controls", got)
		}
		if !reduce && (!got["autoplay"] || got["controls"]) {
			t.Errorf("without reduced motion the GIF is %v, want playing on its own, without controls", got)
		}
	}
}

// TestSignUpErrorsAccessible: when the sign-up form (or the password
// change in the account settings) comes back with an error, the field at fault is marked invalid and its error message is
// part of its description, so a screen reader says it on the field; the
// page passes the audit.
func TestSignUpErrorsAccessible(t *testing.T) {
	inst := testrig.Start(t, testrig.SQLite)
	bob := inst.NewUser(t, "bob")
	b := newTabNoJS(t, inst)
	b.Visit("/auth/sign_up")
	b.Type(`input[name=username]`, "bob")
	b.Type(`input[name=email]`, "another@example.com")
	b.Type(`input[name=password]`, "a long passphrase")
	b.Type(`input[name=password_confirmation]`, "a long passphrase")
	b.Check(`input[name=agreement]`)
	b.Click(signUpButton)
	got := run(b, "read the username field", chromedp.Evaluate[map[string]string](`(function(e) {
	return {invalid: e.getAttribute("aria-invalid") || "", described: (e.getAttribute("aria-describedby") || "").split(/\s+/).map(function(id) {
		var d = document.getElementById(id); return d ? d.textContent.trim() : "(no #" + id + ")"; }).join(" | ")};
})(document.querySelector("input[name=username]"))`))
	if got["invalid"] != "true" || !strings.Contains(got["described"], "taken") {
		t.Fatalf("after signing up with a taken username, the field is %v; want aria-invalid and the error in its description", got)
	}
	if b.Count(`input[name=email][aria-invalid]`) != 0 {
		t.Errorf("the email field is marked invalid though it is fine")
	}
	if p := b.audit(); len(p) > 0 {
		t.Errorf("the sign-up page with an error: %s", strings.Join(p, "; "))
	}

	b = signedInTab(t, inst, bob, false)
	b.Visit("/settings/account")
	b.Type(`#current_password`, "not my password")
	b.Type(`#password`, "a new long passphrase")
	b.Type(`#password_confirmation`, "a new long passphrase")
	b.Click(`form[action="/settings/account/password"] button[type=submit]`)
	if b.Count(`#current_password[aria-invalid=true]`) != 1 {
		t.Fatalf("a wrong current password: the field is not marked invalid: %s", b.Text("main"))
	}
	if p := b.audit(); len(p) > 0 {
		t.Errorf("the account settings with an error: %s", strings.Join(p, "; "))
	}
}
