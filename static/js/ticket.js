// The staff ticket page: who else is here (presence), canned responses, draft keeping.
// The CC field's autocomplete is static/js/people.js (data-people-search), shared with the rest of /scp.
// Loaded with `defer`; no inline scripts (the CSP forbids them). Without it the page still works:
// the reply form posts normally and the presence banner shows who was there when the page loaded.
(function () {
  "use strict";

  var PRESENCE_EVERY_MS = 10000;
  var TYPING_FOR_MS = 12000;

  var page = document.querySelector("[data-ticket-page]");
  if (!page) {
    return;
  }
  var csrf = page.dataset.csrf;
  var form = document.querySelector("[data-reply-form]");
  var textarea = form ? form.querySelector("[data-reply-body]") : null;
  var draftKey = "sportello-draft:" + page.dataset.presenceUrl;

  function post(url, fields) {
    var body = new FormData();
    Object.keys(fields).forEach(function (name) {
      body.append(name, fields[name]);
    });
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, Accept: "application/json" },
    });
  }

  // --- presence: report every ten seconds, show who else is viewing or typing ---------------------

  function setUpPresence() {
    var url = page.dataset.presenceUrl;
    var banner = document.querySelector("[data-presence]");
    var list = document.querySelector("[data-presence-list]");
    var newMessage = document.querySelector("[data-new-message]");
    var seenMessage = form ? form.querySelector("[data-last-message]") : null;
    var lastTyped = 0;
    var reportedTyping = false;

    function typing() {
      return Date.now() - lastTyped < TYPING_FOR_MS;
    }

    function show(state) {
      list.replaceChildren();
      state.others.forEach(function (other) {
        var item = document.createElement("li");
        item.className = "presence-item" + (other.typing ? " is-typing" : "");
        item.textContent = other.text;
        list.appendChild(item);
      });
      banner.hidden = state.others.length === 0;
      banner.classList.toggle(
        "has-typist",
        state.others.some(function (other) {
          return other.typing;
        })
      );
      if (seenMessage && newMessage && state.latest_message_id !== null) {
        newMessage.hidden = String(state.latest_message_id) === seenMessage.value;
      }
    }

    function report() {
      reportedTyping = typing();
      post(url, { typing: reportedTyping ? "1" : "0" })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (state) {
          if (state) {
            show(state);
          }
        })
        .catch(function () {
          // Offline for a moment: the next report tries again.
        });
    }

    if (textarea) {
      textarea.addEventListener("input", function () {
        lastTyped = Date.now();
        if (!reportedTyping) {
          report(); // others learn at once that someone started typing
        }
      });
    }
    // No goodbye on leaving: an agent who stops reporting drops out of the others' banner within 30 s.
    window.setInterval(report, PRESENCE_EVERY_MS);
  }

  // --- the draft survives a reload asked for by the "new message" warning -----------------------------

  function setUpDraftKeeping() {
    if (!textarea) {
      return;
    }
    document.querySelectorAll("[data-reload]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        if (textarea.value.trim()) {
          sessionStorage.setItem(draftKey, textarea.value);
        }
        window.location.reload();
      });
    });
    var kept = sessionStorage.getItem(draftKey);
    if (kept !== null) {
      sessionStorage.removeItem(draftKey);
      if (!textarea.value.trim()) {
        textarea.value = kept;
      }
    }
  }

  // --- canned responses: fetch the rendered text and insert it at the cursor ----------------------------

  function insertText(text) {
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    var before = textarea.value.slice(0, start);
    var after = textarea.value.slice(end);
    var separator = before && !/\n$/.test(before) ? "\n" : "";
    textarea.value = before + separator + text + after;
    var caret = (before + separator + text).length;
    textarea.focus();
    textarea.setSelectionRange(caret, caret);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // The canned response's files go with the reply: one hidden input each, removable before sending.
  function addCannedFiles(files) {
    var list = form.querySelector("[data-canned-files]");
    if (!list) {
      return;
    }
    files.forEach(function (file) {
      if (list.querySelector('input[value="' + file.id + '"]')) {
        return;
      }
      var item = document.createElement("li");
      item.className = "list-inline-item badge text-bg-light border";
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "canned_attachment";
      input.value = String(file.id);
      var label = document.createElement("span");
      label.textContent = file.name + " ";
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn-close btn-close-sm";
      remove.setAttribute("aria-label", list.dataset.removeLabel + " " + file.name);
      remove.addEventListener("click", function () {
        item.remove();
        list.hidden = !list.children.length;
      });
      item.append(input, label, remove);
      list.appendChild(item);
    });
    list.hidden = !list.children.length;
  }

  function setUpCanned() {
    var holder = document.querySelector("[data-canned]");
    var picker = document.querySelector("[data-canned-picker]");
    if (!holder || !picker || !textarea) {
      return;
    }
    holder.hidden = false;
    picker.addEventListener("change", function () {
      var url = picker.value;
      if (!url) {
        return;
      }
      picker.disabled = true;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(response.status);
          }
          return response.json();
        })
        .then(function (data) {
          insertText(data.body);
          addCannedFiles(data.attachments || []);
        })
        .catch(function () {
          window.alert(picker.dataset.error);
        })
        .finally(function () {
          picker.disabled = false;
          picker.value = "";
        });
    });
  }

  // --- links to public FAQs: the search results (htmx, from /scp/kb/faqs/links) carry the text to insert ------

  function setUpFaqLinks() {
    if (!textarea) {
      return;
    }
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-insert-text]");
      if (button) {
        insertText(button.dataset.insertText);
      }
    });
  }

  setUpPresence();
  setUpDraftKeeping();
  setUpCanned();
  setUpFaqLinks();
})();
