package browser

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"herd/internal/testrig"
)

// auditScript lists, in the page, what a screen reader or keyboard user
// would trip over: images without alt text, visible form fields without a
// label, buttons and links without a name, not exactly one h1, no main
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

	var problems []string
	check := func(b *Tab, who, path string) {
		t.Helper()
		b.Visit(path)
		for _, p := range b.audit() {
			problems = append(problems, who+" "+path+": "+p)
		}
	}
	visitor := newTabNoJS(t, inst)
	for _, path := range []string{"/", "/about", "/auth/sign_in", "/auth/sign_up", "/public/local",
		"/@alice", "/@alice/" + reply, "/@bob/" + first, "/tags/herd"} {
		check(visitor, "visitor", path)
	}
	b := newTab(t, inst)
	b.Visit("/auth/sign_in")
	b.signIn(bob.Email, testrig.Password())
	for _, path := range []string{"/home", "/public/local", "/public", "/@alice", "/@bob/" + first,
		"/@alice/" + reply, "/notifications", "/search", "/search?q=herd", "/bookmarks", "/favourites",
		"/settings/profile", "/settings/preferences", "/settings/account", "/tags/herd",
		"/statuses/" + first + "/edit", "/auth/sign_in"} {
		check(b, "bob", path)
	}
	if len(problems) > 0 {
		t.Fatalf("%d accessibility problems:\n%s", len(problems), strings.Join(problems, "\n"))
	}
}
