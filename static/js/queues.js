// Staff queues: row selection and the bulk toolbar, the hover preview of a row, tidy filter URLs.
// Loaded with `defer` after Bootstrap's bundle; no inline scripts (the CSP forbids them).
(function () {
  "use strict";

  function setUpSelection() {
    var form = document.querySelector("[data-bulk-form]");
    if (!form) {
      return;
    }
    var all = document.querySelector("[data-select-all]");
    var rows = Array.prototype.slice.call(document.querySelectorAll("[data-row-check]"));
    var counter = form.querySelector("[data-selected-count]");
    var apply = form.querySelector("[data-bulk-apply]");

    function refresh() {
      var selected = rows.filter(function (box) {
        return box.checked;
      }).length;
      counter.textContent = selected
        ? counter.dataset.templateSome.replace("%(count)s", selected)
        : counter.dataset.templateNone;
      apply.disabled = selected === 0;
      if (all) {
        all.checked = selected > 0 && selected === rows.length;
        all.indeterminate = selected > 0 && selected < rows.length;
      }
    }

    if (all) {
      all.addEventListener("change", function () {
        rows.forEach(function (box) {
          box.checked = all.checked;
        });
        refresh();
      });
    }
    rows.forEach(function (box) {
      box.addEventListener("change", refresh);
    });
    refresh();
  }

  // Show only the value picker the chosen action needs; without this script every picker shows.
  function setUpActionPickers() {
    var form = document.querySelector("[data-bulk-form]");
    if (!form) {
      return;
    }
    var action = form.querySelector("select[name=action]");
    var needs = { assign: "agent", transfer: "department", status: "status", priority: "priority" };

    function refresh() {
      form.querySelectorAll("[data-bulk-param]").forEach(function (holder) {
        var shown = needs[action.value] === holder.dataset.bulkParam;
        holder.hidden = !shown;
        holder.querySelectorAll("select").forEach(function (select) {
          select.disabled = !shown;
        });
      });
    }

    action.addEventListener("change", refresh);
    refresh();
  }

  // Hovering (or focusing into) a row shows its priority and latest thread entry next to the subject.
  function setUpPreviews() {
    if (!window.bootstrap || !window.bootstrap.Popover) {
      return;
    }
    document.querySelectorAll("tr[data-preview-title]").forEach(function (row) {
      var anchor = row.querySelector("[data-preview-anchor]");
      if (!anchor) {
        return;
      }
      var body = (row.dataset.previewBody || "").replace(/\s+/g, " ").trim();
      row.removeAttribute("title"); // the popover replaces the browser's tooltip
      var popover = new window.bootstrap.Popover(anchor, {
        trigger: "manual",
        placement: "bottom",
        container: "body",
        customClass: "queue-preview",
        title: row.dataset.previewTitle,
        content: body || row.dataset.previewTitle,
      });
      var timer = null;
      function show() {
        clearTimeout(timer);
        timer = setTimeout(function () {
          popover.show();
        }, 350);
      }
      function hide() {
        clearTimeout(timer);
        popover.hide();
      }
      row.addEventListener("mouseenter", show);
      row.addEventListener("mouseleave", hide);
      row.addEventListener("focusin", show);
      row.addEventListener("focusout", hide);
    });
  }

  // Leave empty filters out of the address, so that shared links and saved searches stay readable.
  function setUpFilterForm() {
    var form = document.querySelector("[data-queue-filters]");
    if (!form) {
      return;
    }
    form.addEventListener("submit", function () {
      form.querySelectorAll("input[name], select[name]").forEach(function (field) {
        if (field.value === "") {
          field.disabled = true;
        }
      });
    });
    // The page may come back from the browser's cache with fields still disabled.
    window.addEventListener("pageshow", function () {
      form.querySelectorAll("[disabled]").forEach(function (field) {
        field.disabled = false;
      });
    });
  }

  function setUpConfirmations() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) {
          event.preventDefault();
        }
      });
    });
  }

  function start() {
    setUpSelection();
    setUpActionPickers();
    setUpPreviews();
    setUpFilterForm();
    setUpConfirmations();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
