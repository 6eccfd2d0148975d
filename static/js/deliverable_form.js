// Deliverable form: says while typing whether the caption or link carries an ad disclosure.
// The server runs the same check (campaigns.services.ad_disclosure_find) and decides; this only helps.
(function () {
  "use strict";
  var form = document.getElementById("deliverable-form");
  var data = document.getElementById("disclosure-markers");
  if (!form || !data) { return; }
  var hint = document.getElementById(form.dataset.warningId);
  var markers = JSON.parse(data.textContent);
  var url = form.querySelector("[name=submitted_url]");
  var text = form.querySelector("[name=draft_text]");

  function escapeRegExp(value) { return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }
  var patterns = markers.map(function (marker) {
    // Whole words only, as on the server: "#ad" counts, "#adventure" does not.
    return { marker: marker, re: new RegExp("(^|[^\\w])" + escapeRegExp(marker) + "(?![\\w])", "i") };
  });

  function decode(value) {
    try { return decodeURIComponent(value); } catch (e) { return value; }
  }

  function found() {
    var haystack = decode(url ? url.value : "") + "\n" + (text ? text.value : "");
    for (var i = 0; i < patterns.length; i += 1) {
      if (patterns[i].re.test(haystack)) { return patterns[i].marker; }
    }
    return "";
  }

  function update() {
    if (!hint) { return; }
    if (!url.value && !text.value) { hint.hidden = true; return; }
    var marker = found();
    hint.hidden = false;
    hint.className = "small wf-disclosure-hint " + (marker ? "ok" : "warn");
    // The sentences come translated from the template's data attributes.
    hint.textContent = marker ? hint.dataset.ok.replace("%s", marker) : hint.dataset.missing;
  }

  [url, text].forEach(function (field) { if (field) { field.addEventListener("input", update); } });
  // After the server's warning the page already says it once; the hint speaks again when the text changes.
  if (!document.getElementById("disclosure-warning")) { update(); }
})();
