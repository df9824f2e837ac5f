// The error summary (templates/components/error_summary.html) takes the focus when the
// page loads, so a screen reader reads it and a keyboard user starts from it; each link
// moves the focus to its field and scrolls its label into view.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) {
      return;
    }
    event.preventDefault();
    var fieldset = field.closest("fieldset");
    var label =
      field.type === "radio" && fieldset
        ? fieldset.querySelector("legend")
        : document.querySelector("label[for='" + field.id + "']");
    (label || field).scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });
})();
