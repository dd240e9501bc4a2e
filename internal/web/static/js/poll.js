// New posts on the home, local and federated timelines without a reload:
// every 20 seconds, while the tab is visible, ask the server for posts
// newer than the newest shown (it answers their HTML, rendered as the
// page's), and offer them with a "N new posts" button. Nothing is
// inserted until the reader asks, so the page never jumps.
(function () {
  "use strict";
  var every = 20000;

  function setup(feed) {
    var newest = feed.dataset.newest || "";
    var pending = [], more = false, busy = false, last = Date.now();
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
      if (busy || document.hidden || more) return;
      busy = true;
      last = Date.now();
      var url = feed.dataset.poll + (newest ? "?since_id=" + encodeURIComponent(newest) : "?since_id=");
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } }).then(function (res) {
        if (res.status !== 200) return null;
        newest = res.headers.get("X-Newest-ID") || newest;
        more = more || res.headers.get("X-More") === "1";
        return res.text();
      }).then(function (html) {
        if (!html) return;
        var t = document.createElement("template");
        t.innerHTML = html;
        var fresh = Array.prototype.filter.call(t.content.children, function (el) { return el.tagName === "ARTICLE"; });
        pending = fresh.concat(pending);
        show();
      }).catch(function () {}).then(function () { busy = false; });
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

    setInterval(poll, every);
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden && Date.now() - last >= every) poll();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.fetch) return;
    document.querySelectorAll(".feed[data-poll]").forEach(setup);
  });
})();
