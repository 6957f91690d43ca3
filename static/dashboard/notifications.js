// The top bar's notification counter: htmx refreshes it; this plays a short tone when it grows, if the agent
// turned the sound on (a per-browser choice kept in localStorage).
(function () {
  "use strict";

  var KEY = "sportello.notificationSound";
  var last = null;

  function soundOn() {
    try { return window.localStorage.getItem(KEY) === "on"; } catch (error) { return false; }
  }

  function beep() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) { return; }
    var context = new Context();
    var tone = context.createOscillator();
    var gain = context.createGain();
    tone.frequency.value = 880;
    gain.gain.value = 0.1;
    tone.connect(gain);
    gain.connect(context.destination);
    tone.start();
    tone.stop(context.currentTime + 0.15);
  }

  function refreshed(box) {
    var counter = box.querySelector("[data-count]");
    if (!counter) { return; }
    var count = parseInt(counter.dataset.count, 10) || 0;
    if (last !== null && count > last && soundOn()) { beep(); }
    last = count;
    var toggle = box.querySelector("[data-sound-toggle]");
    if (toggle) {
      toggle.checked = soundOn();
      toggle.addEventListener("change", function () {
        try { window.localStorage.setItem(KEY, toggle.checked ? "on" : "off"); } catch (error) { /* private mode */ }
      });
    }
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var box = event.detail.target.closest ? event.detail.target.closest("[data-notifications]") : null;
    if (box) { refreshed(box); }
  });
})();

// A refresh while the agent reads the open dropdown would close it under them: skip that one.
document.addEventListener("htmx:beforeRequest", function (event) {
  "use strict";
  var element = event.detail.elt;
  if (element.matches && element.matches("[data-notifications]") && element.querySelector(".dropdown-menu.show")) {
    event.preventDefault();
  }
});

// After the session ends the poll lands on the sign-in page: keep the bell as it is rather than show that.
document.addEventListener("htmx:beforeSwap", function (event) {
  "use strict";
  var target = event.detail.target;
  var url = event.detail.xhr ? event.detail.xhr.responseURL || "" : "";
  if (target.matches && target.matches("[data-notifications]") && url.indexOf("/notifications") === -1) {
    event.detail.shouldSwap = false;
  }
});
