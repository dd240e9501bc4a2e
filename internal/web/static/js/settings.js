// The settings and sign-in pages work without this file; it only saves
// a click: an app's form_post answer is sent on at once (without
// JavaScript the page shows a Continue button).
(function () {
  "use strict";
  var autosubmit = document.querySelector("form[data-autosubmit]");
  if (autosubmit) autosubmit.submit();
})();
