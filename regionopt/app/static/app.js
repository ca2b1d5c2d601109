/* regionopt serve: the map, the tab's plan and its changes, search, downloads, start-up. */
(function () {
  "use strict";

  var app = window.regionopt;
  var el = app.el, $ = app.$, clear = app.clear, nl = app.nl, euro = app.euro;
  var regionName = app.regionName, swatch = app.swatch;
  var showError = app.showError, hideError = app.hideError, request = app.request, call = app.call;
  var NO_REGION = app.NO_REGION, RULE_LABELS = app.RULE_LABELS;
  var currentRegion = app.currentRegion, regionColour = app.regionColour;
  var claimSession = app.claimSession;
  var selectSchool = app.selectSchool, showRegion = app.showRegion, renderChanges = app.renderChanges;
  var showProposal = app.showProposal, closeProposal = app.closeProposal;

  // ---------------------------------------------------------------- the map

  function buildMap(base) {
    var map = L.map("map", {preferCanvas: true, zoomSnap: 0.25});
    app.map = map;
    app.layers.regions = L.geoJSON(null, {style: regionStyle, onEachFeature: bindRegion});
    app.layers.start = L.geoJSON(base.start_shapes, {
      style: {color: "#000", weight: 2, dashArray: "6 4", fill: false}, interactive: false
    });
    app.layers.actual = L.geoJSON(base.actual_shapes, {
      style: {color: "#7b3294", weight: 2, dashArray: "2 4", fillOpacity: 0.05},
      onEachFeature: function (f, layer) { layer.bindTooltip(labelNode(f.properties.name)); }
    });
    app.layers.schools = L.layerGroup();
    app.layers.changed = L.layerGroup();
    app.layers.actualDiff = L.layerGroup();
    app.layers.proposal = L.layerGroup();
    base.schools.forEach(function (s) {
      var m = L.circleMarker([s.lat, s.lon], markerStyle(s.region, s.technical));
      m.on("click", function () { selectSchool(s.code); });
      m.bindTooltip(labelNode(s.name + " (" + s.code + ")"));
      m.addTo(app.layers.schools);
      app.markers[s.code] = m;
    });
    [app.layers.regions, app.layers.schools, app.layers.changed, app.layers.proposal]
      .forEach(function (l) { l.addTo(map); });
    L.control.layers(null, {
      "Regio's (dit plan)": app.layers.regions,
      "Scholen": app.layers.schools,
      "Gewijzigd sinds de start": app.layers.changed,
      "Regio's bij de start": app.layers.start,
      "Gedocumenteerde regio's": app.layers.actual,
      "Anders dan gedocumenteerd": app.layers.actualDiff,
      "Voorgestelde reparatie": app.layers.proposal
    }, {collapsed: false}).addTo(map);
    map.on("zoomend", function () {
      map.getContainer().classList.toggle("hide-labels", map.getZoom() < 7.5);
      declutterNames();
    });
    map.on("overlayadd resize", declutterNames);
  }

  // Names of smaller regions that would overlap a larger one's are hidden (declutter.js).
  function declutterNames() {
    window.regionoptDeclutter(app.map.getContainer(), ".region-label", "label-overlap");
  }

  function labelNode(text) { return el("span", {text: text}); }

  function regionStyle(feature) {
    return {color: "#444", weight: 1, fillColor: feature.properties.colour || NO_REGION,
            fillOpacity: 0.45};
  }
  function bindRegion(feature, layer) {
    var p = feature.properties;
    var name = labelNode(p.name), box = layer.getBounds();
    // The larger region keeps its name where names would overlap.
    name.dataset.rank = String((box.getNorth() - box.getSouth()) * (box.getEast() - box.getWest()));
    layer.bindTooltip(name, {permanent: true, direction: "center",
                             className: "region-label", interactive: false});
    layer.on("click", function () { showRegion(p.region_id); });
  }
  function markerStyle(region, technical) {
    return {radius: 3 + Math.min(6, Math.sqrt(technical || 0) / 3), color: "#222", weight: 0.7,
            fillColor: regionColour(region), fillOpacity: 0.95};
  }

  function ring(layer, code, colour, dash) {
    var s = app.schoolByCode[code];
    if (!s) return;
    L.circleMarker([s.lat, s.lon], {radius: 11, color: colour, weight: 3, fill: false,
                                    dashArray: dash || null, interactive: false}).addTo(layer);
  }

  function drawState(state) {
    var codes = Object.keys(app.markers);
    codes.forEach(function (code) {
      var s = app.schoolByCode[code];
      var style = markerStyle(currentRegion(code), s.technical);
      if (app.selected === code) { style.weight = 3; style.color = "#000"; }
      app.markers[code].setStyle(style);
    });
    app.layers.changed.clearLayers();
    Object.keys(state.changed).forEach(function (code) { ring(app.layers.changed, code, "#7b3294"); });
    app.layers.actualDiff.clearLayers();
    state.actual_differences.forEach(function (code) {
      ring(app.layers.actualDiff, code, "#d7191c", "3 3");
    });
  }

  function loadShapes() {
    return request("GET", "/api/shapes").then(function (geo) {
      app.layers.regions.clearLayers();
      app.layers.regions.addData(geo);
      app.layers.regions.bringToBack();
      declutterNames();
    });
  }

  // ---------------------------------------------------------------- state and changes

  function applyState(state) {
    app.state = state;
    $("undo").disabled = !state.undo;
    $("redo").disabled = !state.redo;
    $("undo").title = state.undo ? "Ongedaan maken: " + (state.undo_nl || state.undo)
      : "Niets ongedaan te maken";
    $("redo").title = state.redo ? "Opnieuw doen: " + (state.redo_nl || state.redo)
      : "Niets opnieuw te doen";
    var n = Object.keys(state.changed).length;
    sessionStorage.setItem(app.CHANGED_KEY, String(n));
    var broken = state.whatif ? state.whatif.whole_plan.broken : null;
    $("repair").disabled = !(state.whatif && !state.whatif.valid);
    $("status").textContent = n + " school(en) anders dan bij de start" +
      (broken === null ? "" : " · hele plan: " + broken + " gebroken regel(s)") +
      " · " + state.actual_differences.length + " school(en) anders dan gedocumenteerd";
    drawState(state);
    renderChanges(state.whatif);
    if (!state.has_proposal) closeProposal();
    if (app.selected) selectSchool(app.selected, true);
    if (app.openRegion) showRegion(app.openRegion, true);
  }

  function change(kind, code, region) {
    hideError();
    return call("POST", "/api/change", {kind: kind, code: code, region: region})
      .then(function (state) { applyState(state); return loadShapes(); })
      .catch(function () {});
  }

  function undoRedo(which) {
    hideError();
    return call("POST", "/api/" + which, {}).then(function (state) {
      applyState(state); return loadShapes();
    }).catch(function () {});
  }

  // ---------------------------------------------------------------- repair

  function askRepair() {
    hideError();
    var allow = $("allow-dissolve").checked;
    return call("POST", "/api/repair", {allow_dissolve: allow}).then(showProposal)
      .catch(function () {});
  }

  function acceptProposal(version) {
    return call("POST", "/api/repair/accept", {version: version}).then(function (state) {
      closeProposal(); applyState(state); return loadShapes();
    }).catch(function () {});
  }

  function refuseProposal() {
    return call("POST", "/api/repair/refuse", {}).then(function (state) {
      closeProposal(); applyState(state);
    }).catch(function () {});
  }

  // ---------------------------------------------------------------- search and downloads

  function search(text) {
    var list = $("search-results");
    if (text.trim().length < 2) { list.hidden = true; return; }
    request("GET", "/api/search?q=" + encodeURIComponent(text)).then(function (r) {
      clear(list);
      if (!r.schools.length) list.appendChild(el("li", {class: "sub", text: "Geen school gevonden"}));
      r.schools.forEach(function (s) {
        list.appendChild(el("li", {"data-code": s.code, onclick: function () {
          list.hidden = true; $("search").value = s.name; selectSchool(s.code);
        }}, el("div", {text: s.name}), el("div", {class: "sub",
          text: [s.code, s.address, s.place, s.gemeente, regionName(s.region_id)]
            .filter(Boolean).join(" · ")})));
      });
      if (r.total > r.schools.length) {
        list.appendChild(el("li", {class: "sub", text: (r.total - r.schools.length) +
          " meer; typ verder om te verfijnen"}));
      }
      // Schools in the data that match but take no part: why, so that nobody looks further.
      r.outsiders.forEach(function (why) {
        list.appendChild(el("li", {class: "sub outsider", text: "Doet niet mee: " + why}));
      });
      if (r.outsiders_total > r.outsiders.length) {
        list.appendChild(el("li", {class: "sub", text: (r.outsiders_total - r.outsiders.length) +
          " andere school(en) die niet meedoen passen ook"}));
      }
      list.hidden = false;
    }).catch(function (e) { showError(e.message, e.problems); });
  }

  function download(path, filename) {
    hideError();
    return request("GET", path, undefined, true).then(function (blob) {
      var url = URL.createObjectURL(blob);
      var a = el("a", {href: url, download: filename});
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 1000);
    }).catch(function (e) { showError(e.message, e.problems); });
  }

  // ---------------------------------------------------------------- start

  function wire() {
    $("undo").addEventListener("click", function () { undoRedo("undo"); });
    $("redo").addEventListener("click", function () { undoRedo("redo"); });
    $("repair").addEventListener("click", askRepair);
    $("download-csv").addEventListener("click", function () {
      download("/api/download/regions.csv", "regions.csv"); });
    $("download-report").addEventListener("click", function () {
      download("/api/download/report.html", "report.html"); });
    $("search").addEventListener("input", function (ev) {
      clearTimeout(app.searchTimer);
      var text = ev.target.value;
      app.searchTimer = setTimeout(function () { search(text); }, 150);
    });
    document.addEventListener("keydown", function (ev) {
      if (!(ev.ctrlKey || ev.metaKey) || ev.target.tagName === "INPUT") return;
      if (ev.key === "z" && !ev.shiftKey) { ev.preventDefault(); undoRedo("undo"); }
      if (ev.key === "y" || (ev.key === "z" && ev.shiftKey)) { ev.preventDefault(); undoRedo("redo"); }
    });
  }

  function start() {
    wire();
    var url = new URL(window.location.href);
    if (url.searchParams.has("token")) {  // the cookie carries it from now on
      url.searchParams.delete("token");
      history.replaceState(null, "", url.pathname + url.search + url.hash);
    }
    Promise.all([claimSession(), request("GET", "/api/base")]).then(function (r) {
      var base = r[1];
      app.base = base;
      app.schoolByCode = {};
      base.schools.forEach(function (s) { app.schoolByCode[s.code] = s; });
      base.regions.forEach(function (reg) { app.region[reg.id] = reg; });
      Object.assign(RULE_LABELS, base.rule_labels);
      Object.assign(app.STATUS_LABELS, base.status_labels);
      $("plan-name").textContent = base.plan.name + " · " + base.plan.n_regions + " regio's";
      buildMap(base);
      app.layers.regions.addData(base.start_shapes);
      var bounds = app.layers.schools.getLayers().map(function (m) { return m.getLatLng(); });
      if (bounds.length) app.map.fitBounds(L.latLngBounds(bounds), {padding: [20, 20]});
      else app.map.setView([52.2, 5.3], 7);
      return request("GET", "/api/state");
    }).then(function (state) {
      applyState(state);
      document.body.dataset.ready = "1";
      return state.steps || Object.keys(state.changed).length ? loadShapes() : null;
    }).catch(function (e) { showError(e.message, e.problems); });
  }

  document.addEventListener("DOMContentLoaded", start);
  app.change = change;
  app.ring = ring;
  app.drawState = drawState;
  app.acceptProposal = acceptProposal;
  app.refuseProposal = refuseProposal;
})();
