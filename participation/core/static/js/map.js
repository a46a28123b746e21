/* Maps, as an enhancement: every page works without them.
 *
 * <div data-map data-lat data-lon data-zoom data-tiles data-attribution
 *      [data-geojson="url"]                    show features (with links) from a GeoJSON endpoint; pins are
 *                                              coloured by properties.status_group (or .state) and nearby
 *                                              pins are grouped into one numbered cluster
 *      [data-group-labels='{"open": "..."}']   names of the pin colours, added to each pin's accessible name
 *      [data-cluster-label="%(n)s reports"]    accessible name of a cluster
 *      [data-picker-lat="#id" data-picker-lon="#id"]   the point is written into these two fields:
 *      [data-centre-pin]                       a fixed pin in the middle: the resident moves the map under it
 *                                              (else clicking places a pin)
 *      [data-marker]>                          one pin at data-lat/data-lon (the small map of a page)
 * An element with [data-place-search] announces a chosen place with the "place:chosen" event (places.js).
 */
(function () {
  "use strict";
  if (!window.L) { return; }
  var CLUSTER_PX = 44;

  function field(selector) { return selector ? document.querySelector(selector) : null; }

  function fieldValue(selector) {
    var el = field(selector);
    return el && el.value !== "" ? parseFloat(el.value) : NaN;
  }

  function escapeText(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  function pinIcon(group) {
    return L.divIcon({ className: "map-pin map-pin-" + (group || "default"), html: "<span></span>",
                       iconSize: [26, 34], iconAnchor: [13, 34], popupAnchor: [0, -30] });
  }

  function label(template, n) { return (template || "%(n)s").replace("%(n)s", n); }

  function showFeatures(map, layer, features, d) {
    var groupLabels = d.groupLabels ? JSON.parse(d.groupLabels) : {};
    layer.clearLayers();
    var cells = {};
    features.forEach(function (f) {
      var c = f.geometry.coordinates, ll = L.latLng(c[1], c[0]);
      var p = map.project(ll);
      var key = Math.floor(p.x / CLUSTER_PX) + ":" + Math.floor(p.y / CLUSTER_PX);
      (cells[key] = cells[key] || []).push({ f: f, ll: ll });
    });
    Object.keys(cells).forEach(function (key) {
      var items = cells[key];
      var links = items.map(function (it) {
        return '<li><a href="' + encodeURI(it.f.properties.url) + '">' + escapeText(it.f.properties.title) + "</a></li>";
      }).join("");
      if (items.length === 1) {
        var props = items[0].f.properties, group = props.status_group || props.state;
        var name = props.title + (groupLabels[group] ? " (" + groupLabels[group] + ")" : "");
        L.marker(items[0].ll, { title: name, alt: name, keyboard: true, icon: pinIcon(group) })
          .bindPopup('<a href="' + encodeURI(props.url) + '">' + escapeText(props.title) + "</a>")
          .addTo(layer);
        return;
      }
      var bounds = L.latLngBounds(items.map(function (it) { return it.ll; }));
      var text = label(d.clusterLabel, items.length);
      var cluster = L.marker(bounds.getCenter(), {
        title: text, alt: text, keyboard: true,
        icon: L.divIcon({ className: "map-cluster", html: "<span>" + items.length + "</span>", iconSize: [40, 40] })
      }).addTo(layer);
      cluster.on("click", function () {
        if (map.getZoom() < map.getMaxZoom() && bounds.getNorthEast().distanceTo(bounds.getSouthWest()) > 1) {
          map.fitBounds(bounds.pad(0.5));
        } else {
          cluster.bindPopup("<ul>" + links + "</ul>").openPopup();
        }
      });
    });
  }

  function loadFeatures(map, d) {
    var layer = L.layerGroup().addTo(map), features = [];
    var load = function () {
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) {
        return Math.max(-180, Math.min(180, v)).toFixed(6);
      });
      bbox[1] = Math.max(-90, parseFloat(bbox[1])).toFixed(6);
      bbox[3] = Math.min(90, parseFloat(bbox[3])).toFixed(6);
      var sep = d.geojson.indexOf("?") === -1 ? "?" : "&";
      fetch(d.geojson + sep + "bbox=" + bbox.join(","), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { features: [] }; })
        .then(function (data) { features = data.features; showFeatures(map, layer, features, d); });
    };
    map.on("moveend", load);
    load();
  }

  function picker(map, d, el) {
    var latField = field(d.pickerLat), lonField = field(d.pickerLon);
    var write = function (latlng) {
      latField.value = latlng.lat.toFixed(6);
      lonField.value = latlng.lng.toFixed(6);
      latField.dispatchEvent(new Event("change", { bubbles: true }));
    };
    var lat = fieldValue(d.pickerLat), lon = fieldValue(d.pickerLon);
    var known = !isNaN(lat) && !isNaN(lon);
    if (known) { map.setView([lat, lon], 17); }
    var marker = null;
    var place;
    if (d.centrePin !== undefined) {
      // FixMyStreet style: the pin stays in the middle, the resident moves the map under it.
      var pin = document.createElement("div");
      pin.className = "map-centre-pin";
      pin.setAttribute("aria-hidden", "true");
      el.appendChild(pin);
      el.classList.add("map-large");
      map.invalidateSize();
      // Only a move the resident makes (or a place they choose) sets the point: an untouched map
      // leaves the fields empty, so a typed address is resolved by the server instead.
      var armed = known;
      map.on("dragstart zoomstart keydown", function () { armed = true; });
      map.on("moveend", function () { if (armed) { write(map.getCenter()); } });
      map.on("click", function (e) { armed = true; write(e.latlng); map.panTo(e.latlng); });
      place = function (latlng, zoom) {
        armed = true;
        map.setView(latlng, zoom || Math.max(map.getZoom(), 17));
        write(latlng);
      };
    } else {
      if (known) { marker = L.marker([lat, lon]).addTo(map); }
      place = function (latlng, zoom) {
        if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
        map.setView(latlng, zoom || Math.max(map.getZoom(), 16));
        write(latlng);
      };
      map.on("click", function (e) { place(e.latlng, map.getZoom()); });
    }
    document.addEventListener("place:chosen", function (e) { place(L.latLng(e.detail.lat, e.detail.lon)); });
    var locate = document.querySelector("[data-locate]");
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (pos) {
          place(L.latLng(pos.coords.latitude, pos.coords.longitude), 17);
        });
      });
    }
  }

  document.querySelectorAll("[data-map]").forEach(function (el) {
    var d = el.dataset;
    el.classList.add("map-live");
    var map = L.map(el, { scrollWheelZoom: false, zoomControl: false }).setView(
      [parseFloat(d.lat), parseFloat(d.lon)], parseInt(d.zoom || "14", 10));
    // Leaflet's own button labels are English: use the page's translations.
    L.control.zoom({ zoomInTitle: d.zoomIn, zoomOutTitle: d.zoomOut }).addTo(map);
    L.tileLayer(d.tiles, { attribution: d.attribution, maxZoom: 18 }).addTo(map);
    if (d.marker !== undefined) {
      L.marker([parseFloat(d.lat), parseFloat(d.lon)], { title: d.markerTitle || "", alt: d.markerTitle || "", keyboard: false,
                                                         icon: pinIcon(d.marker || "default") }).addTo(map);
    }
    if (d.geojson) { loadFeatures(map, d); }
    if (d.pickerLat && d.pickerLon) { picker(map, d, el); }
  });
})();
