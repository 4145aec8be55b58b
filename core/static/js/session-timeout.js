/* Warns a signed-in admin user before their session ends for lack of requests, so that a long
   text (a juror's comments) is saved in time. The server signs the user out after
   data-idle-seconds without a request; this shows the notice data-warn-seconds before that. */
(function () {
  "use strict";
  var notice = document.getElementById("session-timeout-notice");
  if (!notice) {
    return;
  }
  var idle = parseInt(notice.getAttribute("data-idle-seconds"), 10);
  var warn = parseInt(notice.getAttribute("data-warn-seconds"), 10);
  if (!(idle > warn && warn > 0)) {
    return;
  }
  window.setTimeout(function () {
    notice.hidden = false;
  }, (idle - warn) * 1000);
})();
