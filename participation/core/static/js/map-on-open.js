/* Maps inside a collapsed <details>: the stylesheets (data-styles) and scripts (data-scripts, in
 * order: Leaflet, then map.js) load the first time the <details> is opened, or at once when it is
 * open already. Without JavaScript the map is not shown anyway. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var styles = (script.dataset.styles || "").split(" ").filter(Boolean);
  var scripts = (script.dataset.scripts || "").split(" ").filter(Boolean);
  var loaded = false;

  function next(i) {
    if (i >= scripts.length) { return; }
    var el = document.createElement("script");
    el.src = scripts[i];
    el.addEventListener("load", function () { next(i + 1); });
    document.head.appendChild(el);
  }

  function load() {
    if (loaded) { return; }
    loaded = true;
    styles.forEach(function (href) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      document.head.appendChild(link);
    });
    next(0);
  }

  document.querySelectorAll("[data-map]").forEach(function (map) {
    var details = map.closest("details");
    if (!details || details.open) { load(); return; }
    details.addEventListener("toggle", function () {
      if (details.open) { load(); }
    });
  });
})();
