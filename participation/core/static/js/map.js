/* Maps, as an enhancement: every page works without them.
 *
 * <div data-map data-lat data-lon data-zoom data-tiles data-attribution
 *      [data-geojson="url"]                    show features (with links) from a GeoJSON endpoint
 *      [data-picker-lat="#id" data-picker-lon="#id"]   clicking sets these two fields
 *      [data-label-open="..."]>               text of the popup link
 */
(function () {
  "use strict";
  if (!window.L) { return; }

  function fieldValue(selector) {
    var el = selector ? document.querySelector(selector) : null;
    return el && el.value !== "" ? parseFloat(el.value) : NaN;
  }

  function escapeText(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  document.querySelectorAll("[data-map]").forEach(function (el) {
    var d = el.dataset;
    el.classList.add("map-live");
    var map = L.map(el, { scrollWheelZoom: false, zoomControl: false }).setView(
      [parseFloat(d.lat), parseFloat(d.lon)], parseInt(d.zoom || "14", 10));
    // Leaflet's own button labels are English: use the page's translations.
    L.control.zoom({ zoomInTitle: d.zoomIn, zoomOutTitle: d.zoomOut }).addTo(map);
    L.tileLayer(d.tiles, { attribution: d.attribution, maxZoom: 18 }).addTo(map);

    if (d.geojson) {
      var layer = L.layerGroup().addTo(map);
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
          .then(function (data) {
            layer.clearLayers();
            data.features.forEach(function (f) {
              var c = f.geometry.coordinates;
              L.marker([c[1], c[0]], { title: f.properties.title, keyboard: true })
                .bindPopup('<a href="' + encodeURI(f.properties.url) + '">' + escapeText(f.properties.title) + "</a>")
                .addTo(layer);
            });
          });
      };
      map.on("moveend", load);
      load();
    }

    if (d.pickerLat && d.pickerLon) {
      var marker = null;
      var place = function (latlng) {
        if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
      };
      var lat = fieldValue(d.pickerLat), lon = fieldValue(d.pickerLon);
      if (!isNaN(lat) && !isNaN(lon)) { place([lat, lon]); map.setView([lat, lon], 16); }
      map.on("click", function (e) {
        place(e.latlng);
        document.querySelector(d.pickerLat).value = e.latlng.lat.toFixed(6);
        document.querySelector(d.pickerLon).value = e.latlng.lng.toFixed(6);
        var target = document.querySelector(d.pickerLat);
        target.dispatchEvent(new Event("change", { bubbles: true }));
      });
      var locate = document.querySelector("[data-locate]");
      if (locate && navigator.geolocation) {
        locate.hidden = false;
        locate.addEventListener("click", function () {
          navigator.geolocation.getCurrentPosition(function (pos) {
            var ll = L.latLng(pos.coords.latitude, pos.coords.longitude);
            map.setView(ll, 17);
            map.fire("click", { latlng: ll });
          });
        });
      }
    }
  });
})();
