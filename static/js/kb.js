// The knowledge base pages in /scp: ask before a form marked data-confirm deletes something.
// Loaded with `defer`; no inline scripts (the CSP forbids them). Without it the forms post at once.
(function () {
  "use strict";

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    });
  });
})();
