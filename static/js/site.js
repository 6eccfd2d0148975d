// Site-wide behaviour (no inline scripts: the CSP allows only our own files).
// - Marks the page as having JavaScript, so the header can fold behind its menu button below 900 px.
// - The menu button opens and closes the header's links, and says so (aria-expanded); Escape closes it.
// - A select marked data-submit-on-change (the language switch) submits its form when changed.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function setUp() {
    var nav = document.querySelector(".site-header .nav");
    var toggle = nav && nav.querySelector(".nav-toggle");
    if (toggle) {
      toggle.hidden = false;
      var setOpen = function (open) {
        nav.classList.toggle("open", open);
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      };
      toggle.addEventListener("click", function () {
        setOpen(!nav.classList.contains("open"));
      });
      document.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && nav.classList.contains("open")) {
          setOpen(false);
          toggle.focus();
        }
      });
    }
    // A long list of checkboxes (countries) gets a box that narrows it while typing; ticked ones stay visible.
    document.querySelectorAll("div.searchable-choices").forEach(function (list) {
      if (list.previousElementSibling && list.previousElementSibling.classList.contains("choices-find")) {
        return;
      }
      var find = document.createElement("input");
      find.type = "search";
      find.className = "choices-find";
      find.placeholder = document.documentElement.lang === "nl" ? "Zoeken…" : "Find…";
      find.setAttribute("aria-label", find.placeholder);
      find.setAttribute("aria-controls", list.id || "");
      // Typing here must not submit or live-update the surrounding filter form.
      find.setAttribute("form", "no-such-form");
      list.parentNode.insertBefore(find, list);
      find.addEventListener("change", function (event) { event.stopPropagation(); });
      find.addEventListener("input", function () {
        var wanted = find.value.trim().toLowerCase();
        list.querySelectorAll("label").forEach(function (label) {
          var box = label.querySelector("input");
          var show = !wanted || label.textContent.toLowerCase().indexOf(wanted) !== -1 || (box && box.checked);
          (label.parentElement === list ? label : label.parentElement).hidden = !show;
        });
      });
    });
    document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
      select.addEventListener("change", function () {
        if (select.form) {
          select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit();
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
