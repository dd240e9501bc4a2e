// Animated GIFs (gifv) play on their own, looped and muted, as on
// Mastodon. For a reader whose system asks for reduced motion they stay
// still, with controls to play them: now, and in posts added later (new
// posts, a thread's replies).
(function () {
  "use strict";
  if (!window.matchMedia || !window.matchMedia("(prefers-reduced-motion: reduce)").matches) return;

  function still(root) {
    var videos = root.matches && root.matches("video[autoplay]") ? [root] : root.querySelectorAll("video[autoplay]");
    Array.prototype.forEach.call(videos, function (v) {
      v.removeAttribute("autoplay");
      v.pause();
      v.controls = true;
    });
  }

  still(document);
  new MutationObserver(function (changes) {
    changes.forEach(function (c) {
      Array.prototype.forEach.call(c.addedNodes, function (n) {
        if (n.nodeType === 1) still(n);
      });
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
