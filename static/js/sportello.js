// Sportello's own behaviour. Loaded with `defer`; no inline scripts anywhere (the CSP forbids them).
(function () {
  "use strict";

  // Buttons marked data-print print the page; they stay hidden where scripts do not run.
  function setUpPrintButtons() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpPrintButtons);
  } else {
    setUpPrintButtons();
  }
})();
