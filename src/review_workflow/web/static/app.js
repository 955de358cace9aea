// A little help where script is on; every page works without it.
"use strict";

// The workflow diagram (mermaid, vendored under static/vendor/mermaid).
if (window.mermaid) {
  window.mermaid.initialize({ startOnLoad: true, securityLevel: "strict", theme: "neutral" });
}

// "添加一项": copy the last row of a list of items, renumbered and empty.
document.querySelectorAll("fieldset.objects [data-add-row]").forEach(function (button) {
  var fieldset = button.closest("fieldset");
  var rows = fieldset.querySelector(".rows");
  if (!rows) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var last = rows.lastElementChild;
    var from = Number(last.dataset.row);
    var to = from + 1;
    var copy = last.cloneNode(true);
    copy.dataset.row = String(to);
    var mark = "-" + from + "-";
    copy.querySelectorAll("[name], [id], [for], [aria-describedby]").forEach(function (el) {
      ["name", "id", "for", "aria-describedby"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) el.setAttribute(attr, value.replace(mark, "-" + to + "-"));
      });
      if (el.matches("input[type=checkbox]")) el.checked = false;
      else if (el.matches("input, textarea")) el.value = "";
      else if (el.matches("select")) el.selectedIndex = 0;
      el.removeAttribute("aria-invalid");
    });
    copy.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
    copy.querySelectorAll(".invalid").forEach(function (el) { el.classList.remove("invalid"); });
    var n = copy.querySelector(".row-title .n");
    if (n) n.textContent = String(to + 1);
    rows.appendChild(copy);
    var first = copy.querySelector("input, textarea, select");
    if (first) first.focus();
  });
});
