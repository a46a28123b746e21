/* A "select all" checkbox: <input type="checkbox" data-select-all="NAME" hidden> ticks or clears
 * every checkbox named NAME in its form. Hidden without JavaScript (the form then offers
 * "select every issue on this page" as a submit option instead). */
(function () {
  "use strict";
  document.querySelectorAll("[data-select-all]").forEach(function (master) {
    var form = master.form;
    if (!form) { return; }
    var boxes = function () {
      return Array.prototype.filter.call(form.elements, function (el) {
        return el.type === "checkbox" && el.name === master.dataset.selectAll;
      });
    };
    var sync = function () {
      var all = boxes(), ticked = all.filter(function (b) { return b.checked; }).length;
      master.checked = all.length > 0 && ticked === all.length;
      master.indeterminate = ticked > 0 && ticked < all.length;
    };
    master.hidden = false;
    master.addEventListener("change", function () {
      boxes().forEach(function (b) { b.checked = master.checked; });
    });
    form.addEventListener("change", function (event) {
      if (event.target !== master) { sync(); }
    });
    sync();
  });
})();
