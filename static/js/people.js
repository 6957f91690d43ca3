// People autocomplete for e-mail inputs in the staff panel. Loaded with `defer`; no inline scripts (CSP).
//
// Usage: give any <input> the attribute data-people-search="URL", where URL is the people search
// endpoint ({% url 'scp:people_search' %}, i.e. /scp/people/search). While the agent types (2+ characters)
// the input shows up to 20 suggestions: agents and the customers the agent may see, from the endpoint's
// JSON list [{"id", "email", "name", "is_agent"}]. Picking one (click, or arrows then Enter) puts its
// e-mail address in the input. Optional attributes on the same input:
//   data-people-multiple       the input holds comma-separated addresses; only the last one is completed
//   data-people-note="ID"      the element with this id shows the picked person's name (empty otherwise)
//   data-people-agent-label    the text read out for agents in the list (default "Agent"; pass a translation)
// After a pick the input fires "input" and "change", then a "people:select" CustomEvent whose detail
// is the person object. Inputs added to the page later (htmx swaps) are set up on htmx:load.
// Looks: Bootstrap's .dropdown-menu and .dropdown-item; static/css/directory.css only adds a max height.
(function () {
  "use strict";

  var MIN_LENGTH = 2;
  var DELAY_MS = 200;
  var counter = 0;

  function setUp(input) {
    if (input.dataset.peopleReady) {
      return;
    }
    input.dataset.peopleReady = "1";
    counter += 1;
    var menu = document.createElement("ul");
    menu.id = (input.id || "people") + "-suggestions-" + counter;
    menu.className = "dropdown-menu w-100 people-search-menu";
    menu.setAttribute("role", "listbox");
    input.parentElement.classList.add("position-relative");
    input.insertAdjacentElement("afterend", menu);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", menu.id);

    var people = [];
    var active = -1;
    var timer = null;
    var request = null;
    var multiple = input.hasAttribute("data-people-multiple");
    var note = input.dataset.peopleNote ? document.getElementById(input.dataset.peopleNote) : null;

    function term() {
      var value = input.value;
      return multiple ? value.slice(value.lastIndexOf(",") + 1).trim() : value.trim();
    }

    function close() {
      menu.classList.remove("show");
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = menu.querySelectorAll("[role=option]");
      active = index;
      options.forEach(function (option, i) {
        var on = i === index;
        option.setAttribute("aria-selected", on ? "true" : "false");
        option.classList.toggle("active", on);
        if (on) {
          input.setAttribute("aria-activedescendant", option.id);
          option.scrollIntoView({ block: "nearest" });
        }
      });
    }

    function option(person, index) {
      var item = document.createElement("li");
      item.id = menu.id + "-" + index;
      item.className = "dropdown-item d-flex align-items-baseline gap-2";
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      var name = document.createElement("span");
      name.className = "fw-semibold text-truncate";
      name.textContent = person.name || person.email;
      item.appendChild(name);
      if (person.name) {
        var email = document.createElement("small");
        email.className = "opacity-75 text-truncate";
        email.textContent = person.email;
        item.appendChild(email);
      }
      if (person.is_agent) {
        var badge = document.createElement("span");
        badge.className = "badge text-bg-secondary ms-auto";
        badge.textContent = input.dataset.peopleAgentLabel || "Agent";
        item.appendChild(badge);
      }
      // mousedown, not click: the input must not lose focus (and close the list) before the pick.
      item.addEventListener("mousedown", function (event) {
        event.preventDefault();
        pick(index);
      });
      return item;
    }

    function show(found) {
      people = found;
      menu.replaceChildren();
      if (!people.length || document.activeElement !== input) {
        close();
        return;
      }
      people.forEach(function (person, index) {
        menu.appendChild(option(person, index));
      });
      menu.classList.add("show");
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    function pick(index) {
      var person = people[index];
      if (!person) {
        return;
      }
      if (multiple) {
        var head = input.value.slice(0, input.value.lastIndexOf(",") + 1);
        input.value = (head ? head.trim() + " " : "") + person.email + ", ";
      } else {
        input.value = person.email;
      }
      if (note) {
        note.textContent = person.name ? person.name + " <" + person.email + ">" : person.email;
      }
      close();
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
      input.dispatchEvent(new CustomEvent("people:select", { bubbles: true, detail: person }));
    }

    function search() {
      var text = term();
      if (request) {
        request.abort();
      }
      if (text.length < MIN_LENGTH) {
        show([]);
        return;
      }
      request = new AbortController();
      var url = new URL(input.dataset.peopleSearch, window.location.href);
      url.searchParams.set("q", text);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", signal: request.signal })
        .then(function (response) {
          return response.ok ? response.json() : [];
        })
        .then(show)
        .catch(function (error) {
          if (error.name !== "AbortError") {
            show([]);
          }
        });
    }

    input.addEventListener("input", function (event) {
      if (!event.isTrusted) {
        return; // our own event after a pick
      }
      if (note) {
        note.textContent = "";
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(search, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      if (!menu.classList.contains("show")) {
        return;
      }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight((active + 1) % people.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active <= 0 ? people.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault(); // pick, do not submit the form
        pick(active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });

    input.addEventListener("blur", close);
  }

  function setUpAll(root) {
    root.querySelectorAll("input[data-people-search]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      setUpAll(document);
    });
  } else {
    setUpAll(document);
  }
  document.addEventListener("htmx:load", function (event) {
    setUpAll(event.target);
  });
})();
