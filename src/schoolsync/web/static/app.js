// The only script: it is a file (the Content-Security-Policy allows no inline script), and every
// page works without it.
(function () {
  "use strict";

  // GOV.UK pattern: move focus to the error summary so that screen readers announce it.
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }

  // Login cards: the print button opens the browser's print dialogue.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // While a sync runs, poll its progress panel; when it ends, reload so the history shows it.
  var panel = document.getElementById("progress");
  if (!panel || !panel.dataset.poll) {
    return;
  }
  function running() {
    return panel.querySelector("[data-running]") !== null;
  }
  if (!running()) {
    return;
  }
  // The "Refresh" link is for browsers without script; this one refreshes by itself.
  function hideRefreshLink() {
    panel.querySelectorAll(".no-script").forEach(function (el) { el.hidden = true; });
  }
  hideRefreshLink();
  var timer = window.setInterval(function () {
    window.fetch(panel.dataset.poll, { credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then(function (html) {
        panel.innerHTML = html;
        hideRefreshLink();
        if (!running()) {
          window.clearInterval(timer);
          window.location.reload();
        }
      })
      .catch(function () {
        window.clearInterval(timer);
      });
  }, 1000);
})();
