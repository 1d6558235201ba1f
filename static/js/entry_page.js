/* A rejected save: move the keyboard and screen-reader focus to the summary of what to correct. */
(function () {
  "use strict";
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
