// Draws organisations as circle markers coloured by type. Markers do not depend on the
// background tiles: if the tile server cannot be reached, a light grid stays behind them.
(function () {
  "use strict";

  var SPREAD_PX = 9;       // distance between markers that share a place, in screen pixels
  var GOLDEN_ANGLE = 2.399963;

  function readJson(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function popup(marker) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = marker.url;
    link.textContent = marker.name;
    link.className = "popup-name";
    var type = document.createElement("div");
    type.textContent = marker.type_label;
    var place = document.createElement("div");
    place.textContent = marker.place;
    place.className = "popup-place";
    box.append(link, type, place);
    return box;
  }

  // A faint grid of latitude and longitude every half degree, so the map is never blank.
  function drawGrid(map, bounds) {
    var south = Math.floor(bounds.getSouth()) - 2, north = Math.ceil(bounds.getNorth()) + 2;
    var west = Math.floor(bounds.getWest()) - 3, east = Math.ceil(bounds.getEast()) + 3;
    var style = { color: "#b8c2cc", weight: 1, opacity: 0.7, interactive: false };
    for (var lat = south; lat <= north; lat += 0.5) {
      L.polyline([[lat, west], [lat, east]], style).addTo(map);
    }
    for (var lng = west; lng <= east; lng += 0.5) {
      L.polyline([[south, lng], [north, lng]], style).addTo(map);
    }
  }

  // Markers at the same coordinates are laid out on a sunflower spiral around their
  // true place, recomputed at each zoom so the spacing stays the same on screen.
  function spread(map, groups) {
    groups.forEach(function (items) {
      if (items.length < 2) return;
      var centre = map.latLngToLayerPoint(items[0].at);
      items.forEach(function (item, index) {
        var radius = SPREAD_PX * Math.sqrt(index + 0.5);
        var angle = index * GOLDEN_ANGLE;
        var point = centre.add([radius * Math.cos(angle), radius * Math.sin(angle)]);
        item.circle.setLatLng(map.layerPointToLatLng(point));
      });
    });
  }

  // Names of the busiest places, so the map can be read without tiles: the busiest first,
  // skipping any too close on screen to one already named. Labels let clicks through.
  var LABEL_SPACING_PX = 90;

  function placeLabeller(map, groups) {
    map.createPane("place-labels");
    var pane = map.getPane("place-labels");
    pane.style.zIndex = 350;  // above the tiles, below the markers: a name never hides one
    pane.style.pointerEvents = "none";
    var byPlace = new Map();
    groups.forEach(function (items) {
      var name = items[0].comune;
      var entry = byPlace.get(name) || { name: name, at: items[0].at, n: 0 };
      entry.n += items.length;
      byPlace.set(name, entry);
    });
    var places = Array.from(byPlace.values()).sort(function (a, b) { return b.n - a.n; });
    var layer = L.layerGroup().addTo(map);
    return function relabel() {
      layer.clearLayers();
      var named = [];
      places.forEach(function (place) {
        var point = map.latLngToLayerPoint(place.at);
        var crowded = named.some(function (other) { return other.distanceTo(point) < LABEL_SPACING_PX; });
        if (crowded) return;
        named.push(point);
        var label = L.marker(place.at, {
          pane: "place-labels",
          interactive: false,
          keyboard: false,
          icon: L.divIcon({ className: "place-label", html: "", iconSize: null }),
        }).addTo(layer);
        label.getElement().textContent = place.name;
      });
    };
  }

  function draw(container) {
    var markers = readJson("map-markers") || [];
    var tileUrl = readJson("map-tiles");
    var small = container.classList.contains("map-small");
    var map = L.map(container, { scrollWheelZoom: !small, zoomSnap: 0.5 });

    var bounds = markers.length
      ? L.latLngBounds(markers.map(function (m) { return [m.lat, m.lng]; }))
      : L.latLngBounds([[45.0, 8.5], [46.6, 11.4]]);  // the region, when nothing is located
    map.fitBounds(bounds.pad(small ? 0.5 : 0.1), { maxZoom: small ? 11 : 12 });
    drawGrid(map, bounds);

    if (tileUrl) {
      L.tileLayer(tileUrl, {
        maxZoom: 18,
        attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
      }).addTo(map);
    }

    var groups = new Map();
    markers.forEach(function (marker) {
      var at = L.latLng(marker.lat, marker.lng);
      var circle = L.circleMarker(at, {
        radius: small ? 8 : 6,
        color: "#ffffff",
        weight: 1.5,
        fillColor: marker.colour,
        fillOpacity: 0.9,
      });
      circle.bindPopup(popup(marker));
      circle.bindTooltip(marker.name);
      circle.addTo(map);
      circle.getElement().setAttribute("data-type", marker.type);
      var key = at.lat.toFixed(5) + "," + at.lng.toFixed(5);
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push({ at: at, circle: circle, comune: marker.comune });
    });
    var relabel = placeLabeller(map, groups);
    spread(map, groups);
    relabel();
    map.on("zoomend viewreset", function () { spread(map, groups); relabel(); });
    container.setAttribute("data-markers", String(markers.length));
  }

  function start() {
    var container = document.getElementById("ecosystem-map") || document.getElementById("org-map");
    if (container && typeof L !== "undefined") draw(container);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
