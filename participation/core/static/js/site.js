/* Small improvements on every page; each page works without this file. */
(function () {
  "use strict";

  // The phone menu is a <details>: on wide screens keep it open (browsers without ::details-content
  // would otherwise hide the navigation behind the button), and let Escape close it on phones.
  function setUpMenu() {
    var menu = document.getElementById("site-menu");
    if (!menu || !window.matchMedia) { return; }
    var wide = window.matchMedia("(min-width: 40.01rem)");
    function follow() { menu.open = wide.matches; }
    follow();
    if (wide.addEventListener) { wide.addEventListener("change", follow); }
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open && !wide.matches) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  }

  // After a refused form the error summary gets the focus, so screen readers and keyboards start there.
  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary");
    if (!summary) { return; }
    if (!summary.hasAttribute("tabindex")) { summary.setAttribute("tabindex", "-1"); }
    summary.focus();
  }

  // Below 40rem tables become stacked cards (site.css); each cell says which column it belongs to.
  function labelTableCells() {
    var tables = document.querySelectorAll("main table");
    Array.prototype.forEach.call(tables, function (table) {
      if (table.classList.contains("no-stack")) { return; }
      var head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
      if (!head) { return; }
      var labels = [];
      Array.prototype.forEach.call(head.cells, function (cell) {
        var span = cell.colSpan || 1;
        for (var i = 0; i < span; i += 1) { labels.push(cell.textContent.trim()); }
      });
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var column = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            if (labels[column] && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", labels[column]); }
            column += cell.colSpan || 1;
          });
        });
      });
      table.classList.add("stackable");
    });
  }

  function start() {
    setUpMenu();
    labelTableCells();
    focusErrorSummary();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
