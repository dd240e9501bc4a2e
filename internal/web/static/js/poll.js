// New posts on the home, local and federated timelines without a reload:
// ask the server for posts newer than the newest shown (it answers their
// HTML, rendered as the page's), and offer them with a "N new posts"
// button. Nothing is inserted until the reader asks, so the page never
// jumps. The page's stream (/stream, server-sent events) says when to
// ask; while it is not open, every 20 seconds will do, as before.
// Hashtag and notification pages, which have no such query, count what
// their stream announces and offer a reload behind the same kind of
// button.
(function () {
  "use strict";
  var every = 20000;

  // listen opens a page's stream and calls on(name) for each event;
  // it says whether the stream is open at the moment.
  function listen(el, on) {
    if (!window.EventSource || !el.dataset.stream) return function () { return false; };
    var es = new EventSource("/stream?" + el.dataset.stream);
    ["update", "notification"].forEach(function (name) {
      es.addEventListener(name, function () { on(name); });
    });
    return function () { return es.readyState === EventSource.OPEN; };
  }

  function counter(el) {
    var n = 0, want = el.dataset.event;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "new-posts";
    button.hidden = true;
    el.parentNode.insertBefore(button, el);
    button.addEventListener("click", function () { location.reload(); });
    listen(el, function (name) {
      if (name !== want) return;
      n++;
      var what = want === "notification" ? (n === 1 ? "notification" : "notifications") : (n === 1 ? "post" : "posts");
      button.textContent = "Show " + n + " new " + what;
      button.hidden = false;
    });
  }

  function setup(feed) {
    var newest = feed.dataset.newest || "";
    var pending = [], more = false, busy = false, again = false, last = Date.now();
    // The stream tells of a post as soon as it is posted; the home feed
    // gets it a moment later, when fan-out has written it. After a
    // stream's news, a poll that finds nothing asks again a few times.
    var expecting = 0;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "new-posts";
    button.hidden = true;
    feed.parentNode.insertBefore(button, feed);

    function show() {
      var n = pending.length;
      button.textContent = more ? "Many new posts: reload" : n === 1 ? "Show 1 new post" : "Show " + n + " new posts";
      button.hidden = n === 0;
    }

    function poll() {
      if (busy) {
        again = true; // news came while asking: ask once more after
        return;
      }
      if (document.hidden || more) return;
      busy = true;
      last = Date.now();
      var url = feed.dataset.poll + (newest ? "?since_id=" + encodeURIComponent(newest) : "?since_id=");
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } }).then(function (res) {
        if (res.status !== 200) return null;
        newest = res.headers.get("X-Newest-ID") || newest;
        more = more || res.headers.get("X-More") === "1";
        return res.text();
      }).then(function (html) {
        if (!html) {
          if (expecting > 0) {
            expecting--;
            setTimeout(poll, 1000);
          }
          return;
        }
        expecting = 0;
        var t = document.createElement("template");
        t.innerHTML = html;
        var fresh = Array.prototype.filter.call(t.content.children, function (el) { return el.tagName === "ARTICLE"; });
        pending = fresh.concat(pending);
        show();
      }).catch(function () {}).then(function () {
        busy = false;
        if (again) {
          again = false;
          poll();
        }
      });
    }

    button.addEventListener("click", function () {
      if (more) {
        location.reload();
        return;
      }
      pending.forEach(function (el) {
        var old = document.getElementById(el.id);
        if (old && old.parentNode === feed) old.remove();
      });
      var first = feed.firstElementChild;
      pending.forEach(function (el) { feed.insertBefore(el, first); });
      var empty = feed.querySelector(".empty");
      if (empty) empty.remove();
      if (pending.length) {
        pending[0].setAttribute("tabindex", "-1");
        pending[0].focus();
      }
      pending = [];
      show();
    });

    var stale = false; // news came while the tab was hidden
    var live = listen(feed, function (name) {
      if (name !== "update") return;
      expecting = 5;
      if (document.hidden) stale = true;
      else poll();
    });
    setInterval(function () {
      if (!live()) poll();
    }, every);
    document.addEventListener("visibilitychange", function () {
      if (document.hidden) return;
      if (stale || (!live() && Date.now() - last >= every)) {
        stale = false;
        poll();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.fetch) return;
    document.querySelectorAll(".feed[data-poll]").forEach(setup);
    document.querySelectorAll("[data-stream][data-event]").forEach(counter);
  });
})();
