// Small behaviours shared by every page. Pages work without them.
(function () {
  "use strict";

  // The language switch returns to the page as it is now, including filters that htmx
  // changed after the page was served (they live in the query string; the path is the same).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.closest && form.closest(".language-switch") && form.elements.next) {
      form.elements.next.value = form.elements.next.value.split("?")[0] + window.location.search;
    }
  });

  // After htmx replaces the directory's results, say the new count (or the problem) aloud.
  document.addEventListener("htmx:afterSwap", function (event) {
    var announcer = document.getElementById("results-announcer");
    if (!announcer || event.target.id !== "directory-body") return;
    var summary = event.target.querySelector("#results-heading, .problem");
    announcer.textContent = summary ? summary.textContent.replace(/\s+/g, " ").trim() : "";
  });
})();
