// The practice network's map: European countries shaded by their number of published
// projects, from the world-atlas shapes shipped with the site (no tile server). A click on a
// country opens its page. The list of countries beside the map carries the same figures for
// keyboard and screen-reader users; without JavaScript that list is all there is.
(function () {
  "use strict";

  const SHADES = 5;

  // Shade 0 is "no projects"; counts 1..max spread evenly over shades 1..SHADES.
  function shadeOf(count, max) {
    if (!count || !max) return 0;
    return Math.min(SHADES, Math.max(1, Math.ceil((count * SHADES) / max)));
  }

  // The counts that fall into each shade, for the legend: [shade, "low–high"].
  function legendRows(max) {
    const rows = [];
    for (let shade = 1; shade <= SHADES; shade += 1) {
      const low = Math.floor(((shade - 1) * max) / SHADES) + 1;
      const high = Math.floor((shade * max) / SHADES);
      if (low <= high) rows.push([shade, low === high ? String(low) : low + "–" + high]);
    }
    return rows;
  }

  // Russia reaches across the 180th meridian; drawn as it comes, its far east wraps round
  // and paints a band across the whole map. Moving those points east of 180 keeps it whole.
  function unwrap(feature) {
    if (String(feature.id) !== "643") return feature;
    const shift = function (ring) { return ring.map(function (p) { return p[0] < 0 ? [p[0] + 360, p[1]] : p; }); };
    const g = feature.geometry;
    if (g.type === "Polygon") g.coordinates = g.coordinates.map(shift);
    if (g.type === "MultiPolygon") g.coordinates = g.coordinates.map(function (poly) { return poly.map(shift); });
    return feature;
  }

  function legend(map, max, title, noneLabel) {
    const control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      const box = L.DomUtil.create("div", "map-legend");
      const heading = L.DomUtil.create("div", "map-legend-title", box);
      heading.textContent = title;
      const rows = [[0, noneLabel]].concat(legendRows(max));
      rows.forEach(function (row) {
        const line = L.DomUtil.create("div", "", box);
        L.DomUtil.create("span", "map-swatch map-shade-" + row[0], line);
        line.appendChild(document.createTextNode(row[1]));
      });
      return box;
    };
    control.addTo(map);
  }

  function draw(element, topology, countries) {
    const byNumeric = new Map();
    countries.forEach(function (country) {
      if (country.numeric) byNumeric.set(country.numeric, country);
    });
    const max = countries.reduce(function (m, c) { return Math.max(m, c.count); }, 0);

    element.textContent = "";
    const map = L.map(element, { zoomSnap: 0.25, minZoom: 2, maxZoom: 7, attributionControl: false });
    const shapes = topojson.feature(topology, topology.objects.countries);
    shapes.features = shapes.features.map(unwrap);
    L.geoJSON(shapes, {
      style: function (feature) {
        const country = byNumeric.get(String(feature.id));
        if (!country) return { className: "map-outside", weight: 0.5, fillOpacity: 1, interactive: false };
        return { className: "map-country map-shade-" + shadeOf(country.count, max), color: "#4d4d4d", weight: 1, fillOpacity: 1 };
      },
      onEachFeature: function (feature, layer) {
        const country = byNumeric.get(String(feature.id));
        if (!country) return;
        // A text node, so that a name is never read as HTML.
        layer.bindTooltip(() => document.createTextNode(country.name + ": " + country.count), { sticky: true });
        layer.on("click", function () { window.location.assign(country.url); });
      },
    }).addTo(map);
    map.fitBounds([[35, -12], [71, 35]]);
    legend(map, max, element.dataset.legendTitle || "", element.dataset.noneLabel || "0");
  }

  document.addEventListener("DOMContentLoaded", function () {
    const element = document.getElementById("directory-map");
    if (!element || typeof L === "undefined" || typeof topojson === "undefined") return;
    const data = document.getElementById(element.dataset.counts);
    const countries = data ? JSON.parse(data.textContent) : [];
    fetch(element.dataset.topology)
      .then(function (response) {
        if (!response.ok) throw new Error("map shapes: " + response.status);
        return response.json();
      })
      .then(function (topology) { draw(element, topology, countries); })
      .catch(function () { element.classList.add("directory-map-failed"); });
  });
})();
