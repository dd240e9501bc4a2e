// Herd's web interface works without this file; it only makes the
// composer nicer: a character counter that counts as the server does,
// and a preview of each attached file.
(function () {
  "use strict";

  // What ends a sentence rather than a URL, as the server's text package.
  var urlTrailing = ".,;:!?'\"*";

  // urlEnd is the end of the http(s) URL starting at s[i], or -1 when
  // there is none (glued to a word, or without a host).
  function urlEnd(s, i) {
    var head = s.substr(i, 8).toLowerCase();
    var j = head === "https://" ? i + 8 : head.indexOf("http://") === 0 ? i + 7 : -1;
    if (j < 0 || (i > 0 && /[A-Za-z0-9@$#\uFF20\uFF03]/.test(s.charAt(i - 1)))) return -1;
    var hostStart = j;
    if (!/[\p{L}\p{N}]/u.test(s.charAt(j))) return -1;
    while (j < s.length && /[\p{L}\p{M}\p{Nd}._-]/u.test(s.charAt(j))) j++;
    var port = /^:\d+/.exec(s.slice(j));
    if (port) j += port[0].length;
    if ("/?#".indexOf(s.charAt(j)) >= 0 && j < s.length) {
      var open = [];
      for (; j < s.length; j++) {
        var c = s.charAt(j);
        if (/[\s\p{Cc}<>\uFFFD]/u.test(c)) break;
        if (c === "(") open.push(j);
        else if (c === ")") { if (!open.length) break; open.pop(); }
      }
      if (open.length) j = open[0];
    }
    while (j > hostStart + 1 && urlTrailing.indexOf(s.charAt(j - 1)) >= 0) j--;
    return j;
  }

  // A remote mention counts as its username only.
  var mentionRe = /(^|[^\w=\/@])@(\w+(?:[.-]+\w+)*)@[\w.-]+\w/g;
  function plainLength(s) {
    return Array.from(s.replace(mentionRe, "$1@$2")).length;
  }

  // count is a status text's length as the server counts it: leading
  // and trailing whitespace dropped, every URL 23, code points not UTF-16
  // units.
  function count(text) {
    var s = text.replace(/^[ \t\n\v\f\r\0]+|[ \t\n\v\f\r\0]+$/g, "");
    var n = 0, last = 0;
    for (var i = s.search(/https?:\/\//i); i >= 0 && i < s.length; ) {
      var end = urlEnd(s, i);
      if (end > i) {
        n += plainLength(s.slice(last, i)) + 23;
        last = i = end;
      } else {
        i++;
      }
      var next = s.slice(i).search(/https?:\/\//i);
      i = next < 0 ? -1 : i + next;
    }
    return n + plainLength(s.slice(last));
  }
  (window.Herd = window.Herd || {}).count = count;

  function setupCounter(form) {
    var max = parseInt(form.dataset.max, 10) || 500;
    var text = form.querySelector("[name=status]");
    var cw = form.querySelector("[name=spoiler_text]");
    var out = form.querySelector(".counter");
    if (!text || !out) return;
    function update() {
      var left = max - count(text.value) - (cw ? count(cw.value) : 0);
      out.textContent = left;
      out.classList.toggle("over", left < 0);
      form.querySelector("button[type=submit]").disabled = left < 0;
    }
    text.addEventListener("input", update);
    if (cw) cw.addEventListener("input", update);
    update();
  }

  // Each slot shows what it holds: an image's preview, or the file name.
  function setupSlot(slot) {
    var file = slot.querySelector("input[type=file]");
    var preview = slot.querySelector(".media-preview");
    if (!file || !preview) return;
    file.addEventListener("change", function () {
      preview.textContent = "";
      var f = file.files && file.files[0];
      preview.hidden = !f;
      if (f && f.type.indexOf("image/") === 0) {
        var img = document.createElement("img");
        img.alt = "Preview of the attached image";
        img.src = URL.createObjectURL(f);
        preview.appendChild(img);
      } else if (f) {
        preview.textContent = f.name;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.compose").forEach(function (form) {
      setupCounter(form);
      form.querySelectorAll(".slot").forEach(setupSlot);
    });
  });
})();
