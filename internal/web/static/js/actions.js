// Without this file every action under a post or on a profile is a form
// that reloads the page. With it, favourite, boost, bookmark, follow and
// follow-request answers are sent in the background and the button and
// its count change in place. The server answers these requests (marked
// X-Requested-With: fetch) with JSON; anything unexpected falls back to
// sending the form the ordinary way, so the server's page says what
// happened.
(function () {
  "use strict";

  var statusRe = /^\/statuses\/(\d+)\/(un)?(favourite|reblog|bookmark)$/;
  var followRe = /^\/accounts\/(\d+)\/(un)?follow$/;
  var requestRe = /^\/follow_requests\/(\d+)\/(authorize|reject)$/;

  // compact writes a count as the server's templates do: 999, 1.2K, 3.4M.
  function compact(n) {
    if (n < 1000) return String(n);
    var v = n < 1e6 ? n / 1e3 : n / 1e6;
    return v.toFixed(1).replace(/\.0$/, "") + (n < 1e6 ? "K" : "M");
  }

  var fields = {
    favourite: ["favourited", "favourites_count"],
    reblog: ["reblogged", "reblogs_count"],
    bookmark: ["bookmarked", null]
  };

  // updateStatus sets every copy of the status's buttons (a post may be
  // on the page twice, boosted and not) to the state the server sent.
  function updateStatus(state) {
    document.querySelectorAll('form[action^="/statuses/' + state.id + '/"]').forEach(function (form) {
      var m = statusRe.exec(form.getAttribute("action"));
      var kind = m && m[3], f = fields[kind];
      if (!f) return;
      var on = !!state[f[0]];
      form.setAttribute("action", "/statuses/" + state.id + "/" + (on ? "un" : "") + kind);
      var button = form.querySelector("button");
      button.classList.toggle("on", on);
      button.setAttribute("aria-pressed", String(on));
      var n = button.querySelector("span");
      if (n && f[1]) n.textContent = compact(state[f[1]]);
    });
  }

  function updateFollow(form, state) {
    var on = state.following || state.requested;
    form.setAttribute("action", "/accounts/" + state.id + "/" + (on ? "unfollow" : "follow"));
    var button = form.querySelector("button");
    button.textContent = state.following ? "Unfollow" : state.requested ? "Cancel follow request" : "Follow";
    button.classList.toggle("secondary", on);
  }

  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    var path = form.getAttribute("action") || "";
    var kind = statusRe.test(path) ? "status" : followRe.test(path) ? "follow" : requestRe.test(path) ? "request" : "";
    if (!kind || !window.fetch) return;
    ev.preventDefault();
    var button = form.querySelector("button");
    if (button) button.disabled = true;
    fetch(path, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    }).then(function (res) {
      if (!res.ok) throw new Error("HTTP " + res.status);
      return res.json();
    }).then(function (state) {
      if (button) button.disabled = false;
      if (kind === "status") updateStatus(state);
      else if (kind === "follow") updateFollow(form, state);
      else {
        var item = form.closest("li");
        if (item) item.remove();
      }
    }).catch(function () {
      form.submit();
    });
  });
})();
