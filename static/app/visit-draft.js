// Keeps what the therapist types into the joint visit's form as a server-side draft
// (assessments.views.visits.visit_draft): posted a few seconds after typing, at once on each
// changed field, and when the tab is hidden. Restoring it is the server's job when the page
// loads. Without this script the form still saves with its buttons.
(function () {
  "use strict";
  var form = document.querySelector("form[data-draft-url]");
  if (!form) {
    return;
  }
  var status = form.querySelector("[data-draft-status]");
  var dirty = false;
  var sending = false;
  var stopped = false;

  function show(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function now() {
    return new Date().toLocaleTimeString(document.documentElement.lang || "sv", {
      hour: "2-digit",
      minute: "2-digit",
    });
  }

  function save() {
    if (!dirty || sending || stopped) {
      return;
    }
    dirty = false;
    sending = true;
    var body = new FormData(form);
    body.delete("action");
    fetch(form.dataset.draftUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      keepalive: true,
      redirect: "manual",
      headers: { "X-CSRFToken": body.get("csrfmiddlewaretoken") },
    })
      .then(function (response) {
        if (response.status === 204) {
          show(status.dataset.saved.replace("{time}", now()));
        } else if (response.status === 409) {
          stopped = true;
          show(status.dataset.conflict);
        } else {
          dirty = true;
          show(status.dataset.failed);
        }
      })
      .catch(function () {
        dirty = true;
        show(status.dataset.failed);
      })
      .finally(function () {
        sending = false;
      });
  }

  form.addEventListener("input", function () {
    dirty = true;
  });
  form.addEventListener("change", function () {
    dirty = true;
    save();
  });
  form.addEventListener("submit", function () {
    stopped = true;
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      save();
    }
  });
  window.setInterval(save, 4000);
})();
