// Recommendations: "Show more" appends the next matches and is replaced by the next button, so the focus it
// had would fall back to the page's start. Move it to the first new match instead: a keyboard or screen-reader
// user carries on reading where the new rows begin.
(function () {
  "use strict";

  document.addEventListener("htmx:beforeRequest", function (event) {
    var list = document.getElementById("matches");
    if (list && event.detail.target === list) {
      list.dataset.rowsBefore = String(list.children.length);
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var list = event.detail.target;
    if (!list || list.id !== "matches" || list.dataset.rowsBefore === undefined) {
      return;
    }
    var first = list.children[Number(list.dataset.rowsBefore)];
    delete list.dataset.rowsBefore;
    var link = first && first.querySelector(".match-name a");
    if (link) {
      link.focus();
    }
  });
})();
