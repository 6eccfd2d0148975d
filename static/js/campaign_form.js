// Campaign form: show only the terms of the chosen kind. Without JavaScript every kind's fieldset
// stays visible (grouped, each saying it only counts for its kind) and the server ignores the others.
(function () {
  "use strict";
  var form = document.getElementById("campaign-form");
  if (!form) { return; }
  var radios = form.querySelectorAll("input[name=kind]");
  var fieldsets = form.querySelectorAll(".wf-kind-terms[data-kind]");

  function chosenKind() {
    for (var i = 0; i < radios.length; i += 1) {
      if (radios[i].checked) { return radios[i].value; }
    }
    // A published campaign's kind is fixed (disabled radios): its checked value still tells it.
    return "";
  }

  function update() {
    var kind = chosenKind();
    fieldsets.forEach(function (fieldset) {
      var show = !kind || fieldset.dataset.kind === kind;
      fieldset.hidden = !show;
      // Hidden terms are not posted, so a stale value of another kind cannot block saving.
      fieldset.disabled = !show;
    });
    form.classList.toggle("wf-kind-chosen", Boolean(kind));
  }

  radios.forEach(function (radio) { radio.addEventListener("change", update); });
  update();
})();
