// Discovery and shortlists: small enhancements on top of pages that work without JavaScript.
// - On small screens the filter panel starts closed (it still opens with Enter/Space on its summary).
// - The "Compare selected" button is enabled only with 2–4 creators ticked, and says how many are.
// - htmx does not settle style attributes (see below).
(function () {
  "use strict";

  var MIN = 2;
  var MAX = 4;

  // The back button restores a whole page through htmx, which "settles" attributes of elements that
  // keep their id, including style="" — an inline style the Content-Security-Policy refuses.
  // Nothing here animates styles, so settle classes and sizes only.
  if (window.htmx && window.htmx.config) {
    window.htmx.config.attributesToSettle = ["class", "width", "height"];
  }

  function closeFiltersOnSmallScreens() {
    var panel = document.getElementById("filters-panel");
    if (panel && window.matchMedia("(max-width: 900px)").matches) {
      panel.removeAttribute("open");
    }
  }

  function updateCompare() {
    var form = document.getElementById("compare-form");
    if (!form) {
      return;
    }
    var picked = document.querySelectorAll('input[type=checkbox][name=h][form=compare-form]:checked').length;
    var button = document.getElementById("compare-button");
    var hint = document.getElementById("compare-hint");
    if (button) {
      button.disabled = picked < MIN || picked > MAX;
    }
    if (hint) {
      var template = picked > MAX ? form.dataset.tooMany : form.dataset.picked;
      if (template && picked > 0) {
        hint.textContent = template.replace("%(count)s", String(picked)).replace("%(max)s", String(MAX));
      } else if (form.dataset.initial) {
        hint.textContent = form.dataset.initial;
      }
    }
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches('input[type=checkbox][name=h][form=compare-form]')) {
      updateCompare();
    }
  });
  document.addEventListener("htmx:afterSettle", updateCompare);
  document.addEventListener("DOMContentLoaded", function () {
    closeFiltersOnSmallScreens();
    updateCompare();
  });
})();
