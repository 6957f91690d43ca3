// The statistics page: sortable breakdown tables, and picking dates switches the period to a date range.
(function () {
  "use strict";

  function cellValue(row, index, kind) {
    var text = row.children[index].textContent.trim();
    return kind === "number" ? parseFloat(text) || 0 : text.toLocaleLowerCase();
  }

  function sortBy(table, header) {
    var headers = Array.prototype.slice.call(header.parentNode.children);
    var index = headers.indexOf(header);
    var kind = header.querySelector("[data-sort]").dataset.sort;
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).filter(function (row) { return row.children.length > 1; });
    rows.sort(function (a, b) {
      var x = cellValue(a, index, kind), y = cellValue(b, index, kind);
      var order = x < y ? -1 : x > y ? 1 : 0;
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    headers.forEach(function (other) { other.setAttribute("aria-sort", "none"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function setUp() {
    document.querySelectorAll("table.sortable").forEach(function (table) {
      table.querySelectorAll("th [data-sort]").forEach(function (button) {
        button.addEventListener("click", function () { sortBy(table, button.closest("th")); });
      });
    });
    var picker = document.querySelector("[data-period-picker]");
    if (picker) {
      picker.querySelectorAll("input[type=date]").forEach(function (input) {
        input.addEventListener("change", function () { picker.elements.period.value = "custom"; });
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
