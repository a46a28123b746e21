/* Place suggestions for an address field (WAI-ARIA combobox with a listbox).
 *
 * <input data-place-search data-url="/places/search" data-lat-field="#latitude" data-lon-field="#longitude"
 *        data-count-label="%(n)s suggestions">
 * Typing asks the gazetteer (GET url?q=…) for up to 8 places; choosing one (click, or arrows + Enter)
 * fills the field, writes the point into the two fields and sends "place:chosen" {lat, lon, name}
 * (map.js moves the map there). Without JavaScript the server resolves the typed text on submit.
 */
(function () {
  "use strict";

  document.querySelectorAll("[data-place-search]").forEach(function (input) {
    var d = input.dataset;
    if (!d.url) { return; }
    var list = document.createElement("ul");
    list.id = input.id + "-suggestions";
    list.className = "place-suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", d.listLabel || "");
    list.hidden = true;
    input.insertAdjacentElement("afterend", list);
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    list.insertAdjacentElement("afterend", status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");

    var places = [], active = -1, timer = null, asked = "";

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(i) {
      var items = list.querySelectorAll("[role=option]");
      items.forEach(function (li, j) { li.setAttribute("aria-selected", j === i ? "true" : "false"); });
      active = i;
      if (i >= 0) { input.setAttribute("aria-activedescendant", items[i].id); }
    }

    function choose(i) {
      var place = places[i];
      if (!place) { return; }
      input.value = place.name;
      var lat = d.latField && document.querySelector(d.latField);
      var lon = d.lonField && document.querySelector(d.lonField);
      if (lat && lon) { lat.value = place.lat.toFixed(6); lon.value = place.lon.toFixed(6); }
      close();
      document.dispatchEvent(new CustomEvent("place:chosen", { detail: place }));
    }

    function show(found) {
      places = found;
      list.innerHTML = "";
      found.forEach(function (place, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = place.name;
        li.addEventListener("mousedown", function (e) { e.preventDefault(); });
        li.addEventListener("click", function () { choose(i); });
        list.appendChild(li);
      });
      status.textContent = (d.countLabel || "%(n)s").replace("%(n)s", found.length);
      if (found.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        highlight(-1);
      } else {
        close();
      }
    }

    function ask() {
      var q = input.value.trim();
      if (q === asked) { return; }
      asked = q;
      if (!q) { show([]); return; }
      fetch(d.url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (found) { if (input.value.trim() === q) { show(found); } })
        .catch(function () { show([]); });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 200);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) { return; }
      if (e.key === "ArrowDown") { e.preventDefault(); highlight(Math.min(active + 1, places.length - 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(active); }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  });
})();
