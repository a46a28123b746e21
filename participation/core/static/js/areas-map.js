/* Area outlines on a map (administration: areas and their preview), as an enhancement.
 *
 * <div data-area-map data-source="#id-of-a-json-script" data-lat data-lon data-zoom data-tiles data-attribution>
 * The source is a <script type="application/json"> holding a GeoJSON FeatureCollection.
 */
(function () {
  "use strict";
  if (!window.L) { return; }
  document.querySelectorAll("[data-area-map]").forEach(function (el) {
    var d = el.dataset;
    var source = document.querySelector(d.source);
    if (!source) { return; }
    var data;
    try { data = JSON.parse(source.textContent); } catch (e) { return; }
    el.classList.add("map-live");
    var map = L.map(el, { scrollWheelZoom: false }).setView(
      [parseFloat(d.lat), parseFloat(d.lon)], parseInt(d.zoom || "12", 10));
    L.tileLayer(d.tiles, { attribution: d.attribution, maxZoom: 18 }).addTo(map);
    var layer = L.geoJSON(data, {
      style: function () { return { color: "#0b5394", weight: 2, fillOpacity: 0.15 }; },
      onEachFeature: function (feature, shape) {
        var p = feature.properties || {};
        shape.bindTooltip(String(p.name_ja || p.name || p.code || ""));
      }
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [10, 10] }); }
  });
})();
