/* regionopt serve: the page. Plain JavaScript, no build step.
 *
 * Every text that comes from data is put in the page with textContent (the `el` helper),
 * never as HTML. Each tab has its own session on the server (its id in sessionStorage, sent
 * as X-Session with every request); a duplicated tab gets a copy of its own. */
(function () {
  "use strict";

  var SESSION_KEY = "regionopt-session";
  var NO_REGION = "#bdbdbd";
  var RULE_LABELS = {
    partition: "Elke school in precies één regio",
    min_vmbo: "Genoeg vmbo-scholen",
    penvoerder: "Penvoerder (school met technisch profiel)",
    mbo: "Mbo-partner binnen bereik",
    size: "Genoeg techniekleerlingen",
    contiguity: "Aaneengesloten gebied",
    together: "Scholen dichtbij elkaar samen"
  };
  var STATUS_LABELS = {
    ok: "ok", broken: "gebroken", unknown: "onbekend", warning: "let op", dissolved: "opgeheven"
  };

  var app = {
    session: null, base: null, state: null, map: null, layers: {}, markers: {},
    region: {}, selected: null, proposal: null, searchTimer: null
  };
  window.regionopt = app; // for tests and curious users

  // ---------------------------------------------------------------- small helpers

  function el(tag, attrs) {
    var node = document.createElement(tag);
    var a = attrs || {};
    Object.keys(a).forEach(function (k) {
      if (k === "class") node.className = a[k];
      else if (k === "text") node.textContent = a[k];
      else if (k === "style") node.style.cssText = a[k];
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), a[k]);
      else node.setAttribute(k, a[k]);
    });
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(typeof child === "string" || typeof child === "number"
        ? document.createTextNode(String(child)) : child);
    }
    return node;
  }
  function $(id) { return document.getElementById(id); }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function nl(n) { return Number(n).toLocaleString("nl-NL"); }
  function euro(v) {
    return v === null || v === undefined ? "-" : "€ " + Math.round(v).toLocaleString("nl-NL");
  }
  function regionName(id) {
    if (!id) return "geen regio";
    var r = app.region[id];
    return r ? r.name + " (" + id + ")" : id;
  }
  function regionColour(id) { return id && app.region[id] ? app.region[id].colour : NO_REGION; }
  function swatch(id) { return el("span", {class: "swatch", style: "background:" + regionColour(id)}); }
  function currentRegion(code) {
    var changed = app.state ? app.state.changed : {};
    if (Object.prototype.hasOwnProperty.call(changed, code)) return changed[code];
    return app.schoolByCode[code] ? app.schoolByCode[code].region : null;
  }

  // ---------------------------------------------------------------- talking to the server

  function showError(message, problems) {
    var box = clear($("error"));
    box.appendChild(el("b", {text: message}));
    if (problems && problems.length) {
      var list = el("ul");
      problems.forEach(function (p) {
        var text = (p.where ? p.where + ": " : "") + p.message + (p.fix ? " → " + p.fix : "");
        list.appendChild(el("li", {text: text}));
      });
      box.appendChild(list);
    }
    box.hidden = false;
  }
  function hideError() { $("error").hidden = true; }

  function request(method, path, body, raw) {
    var headers = {"X-Session": app.session || ""};
    var init = {method: method, headers: headers, credentials: "same-origin"};
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    document.body.classList.add("busy");
    return fetch(path, init).then(function (resp) {
      document.body.classList.remove("busy");
      if (resp.ok) return raw ? resp.blob() : resp.json();
      return resp.json().catch(function () { return {error: "HTTP " + resp.status}; })
        .then(function (err) {
          if (resp.status === 404 && err.session) {
            return newSession(null).then(function () { return request(method, path, body, raw); });
          }
          var e = new Error(err.error || "fout");
          e.problems = err.problems || [];
          throw e;
        });
    }, function (exc) {
      document.body.classList.remove("busy");
      throw new Error("De server antwoordt niet (" + exc.message + ")");
    });
  }
  function call(method, path, body) {
    return request(method, path, body).catch(function (e) {
      showError(e.message, e.problems);
      throw e;
    });
  }

  function newSession(copyOf) {
    return request("POST", "/api/session", {copy_of: copyOf}).then(function (r) {
      app.session = r.session;
      sessionStorage.setItem(SESSION_KEY, r.session);
    });
  }

  // A duplicated tab inherits sessionStorage: ask whether another open tab uses this id.
  function claimSession() {
    var saved = sessionStorage.getItem(SESSION_KEY);
    var channel = window.BroadcastChannel ? new BroadcastChannel("regionopt-tabs") : null;
    if (channel) {
      channel.onmessage = function (ev) {
        if (ev.data && ev.data.ask === app.session) channel.postMessage({mine: app.session});
      };
    }
    if (!saved) return newSession(null);
    if (!channel) { app.session = saved; return Promise.resolve(); }
    return new Promise(function (resolve) {
      var taken = false;
      var listen = function (ev) { if (ev.data && ev.data.mine === saved) taken = true; };
      channel.addEventListener("message", listen);
      channel.postMessage({ask: saved});
      setTimeout(function () {
        channel.removeEventListener("message", listen);
        if (taken) { newSession(saved).then(resolve); } else { app.session = saved; resolve(); }
      }, 150);
    });
  }

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
    });
  }

  function labelNode(text) { return el("span", {text: text}); }

  function regionStyle(feature) {
    return {color: "#444", weight: 1, fillColor: feature.properties.colour || NO_REGION,
            fillOpacity: 0.45};
  }
  function bindRegion(feature, layer) {
    var p = feature.properties;
    layer.bindTooltip(labelNode(p.name), {permanent: true, direction: "center",
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
    });
  }

  // ---------------------------------------------------------------- state and changes

  function applyState(state) {
    app.state = state;
    $("undo").disabled = !state.undo;
    $("redo").disabled = !state.redo;
    $("undo").title = state.undo ? "Ongedaan maken: " + state.undo : "Niets ongedaan te maken";
    $("redo").title = state.redo ? "Opnieuw: " + state.redo : "Niets opnieuw te doen";
    var n = Object.keys(state.changed).length;
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

  // ---------------------------------------------------------------- panels

  function ruleTable(region, stages) {
    var head = el("tr", null, el("th", {text: "Regel"}));
    stages.forEach(function (st) { head.appendChild(el("th", {text: st[1]})); });
    var table = el("table", {class: "rules"}, el("thead", null, head));
    var body = el("tbody");
    region.rules.forEach(function (r) {
      var row = el("tr", {"data-rule": r.rule}, el("td", {text: RULE_LABELS[r.rule] || r.rule}));
      stages.forEach(function (st) {
        var v = r[st[0]] || "";
        row.appendChild(el("td", {class: v, text: STATUS_LABELS[v] || v}));
      });
      body.appendChild(row);
    });
    table.appendChild(body);
    return table;
  }

  function figureTable(region, stages) {
    var head = el("tr", null, el("th"));
    stages.forEach(function (st) { head.appendChild(el("th", {class: "num", text: st[1]})); });
    var rows = [
      ["Scholen", function (s) { var f = region.figures[s]; return f ? nl(f.n_schools) : "-"; }],
      ["Techniekleerlingen lj 3-4", function (s) {
        var f = region.figures[s]; return f ? nl(f.technical_pupils) : "-"; }],
      ["Techniekarm", function (s) {
        var f = region.figures[s]; return f ? (f.techniekarm ? "ja" : "nee") : "-"; }],
      ["Penvoerder", true, function (s) {
        var p = region.penvoerder[s]; return p && p.code ? p.name + " (" + p.code + ")" : "geen"; }],
      ["Mbo-partner", true, function (s) {
        var m = region.mbo[s]; return m && m.length ? m.slice(0, 3).join(", ") +
          (m.length > 3 ? " en " + (m.length - 3) + " andere" : "") : "geen"; }],
      ["Transitiegeld", function (s) { return euro(region.money["transition_" + s]); }],
      ["Structureel geld", function (s) { return euro(region.money["structural_" + s]); }],
      ["Cofinanciering", function (s) { return euro(region.money["cofunding_" + s]); }]
    ];
    var body = el("tbody");
    rows.forEach(function (row) {
      var tr = el("tr", null, el("th", {text: row[0]}));
      var text = row[1] === true;
      var value = text ? row[2] : row[1];
      var values = stages.map(function (st) { return value(st[0]); });
      stages.forEach(function (st, i) {
        var cls = (text ? "text" : "num") + (i > 0 && values[i] !== values[0] ? " changed-value" : "");
        tr.appendChild(el("td", {class: cls, text: values[i]}));
      });
      body.appendChild(tr);
    });
    return el("table", {class: "figures"}, el("thead", null, head), body);
  }

  function regionBlock(region, stages, finalStage) {
    var keeps = region.keeps_rules[finalStage];
    var title = el("h3", null, swatch(region.region_id),
      el("span", {class: "link", text: region.name + " (" + region.region_id + ")",
                  onclick: function () { showRegion(region.region_id); }}),
      region.dissolved ? el("span", {class: "badge broken", text: "opgeheven"})
        : el("span", {class: "badge " + (keeps ? "ok" : "broken"),
                      text: keeps ? "houdt alle regels" : "breekt een regel"}));
    var block = el("div", {class: "region-block", "data-region": region.region_id}, title,
                   ruleTable(region, stages));
    var messages = [];
    region.rules.forEach(function (r) { messages = messages.concat(r.messages); });
    if (messages.length) {
      var list = el("ul", {class: "messages"});
      messages.forEach(function (m) { list.appendChild(el("li", {text: m})); });
      block.appendChild(list);
    }
    block.appendChild(figureTable(region, stages));
    return block;
  }

  function renderChanges(whatif) {
    var panel = clear($("change-panel"));
    if (!whatif) { panel.hidden = true; return; }
    panel.hidden = false;
    panel.appendChild(el("h2", {text: "Wat de wijzigingen doen (t.o.v. de start)"}));
    panel.appendChild(el("p", {class: whatif.valid ? "rule-ok" : "rule-broken",
      text: whatif.valid ? "De betrokken regio's houden zich aan alle regels."
        : "Een regel is gebroken: zie rood hieronder. Repareer zoekt de kleinste oplossing."}));
    whatif.regions.forEach(function (r) {
      panel.appendChild(regionBlock(r, [["before", "vóór"], ["after", "na"]], "after"));
    });
  }

  function showSchool(school) {
    var panel = clear($("school-panel"));
    panel.hidden = false;
    var region = school.current_region;
    panel.appendChild(el("h2", {text: school.name}));
    panel.appendChild(el("div", {class: "muted",
      text: school.code + " · " + school.place + " · gemeente " + school.gemeente}));
    var prof = el("tbody");
    school.profiles.forEach(function (p) {
      prof.appendChild(el("tr", null, el("td", {text: p.profile}),
                          el("td", {class: "num", text: nl(p.pupils)})));
    });
    prof.appendChild(el("tr", null, el("th", {text: "Techniekleerlingen lj 3-4"}),
                        el("th", {class: "num", text: nl(school.technical)})));
    prof.appendChild(el("tr", null, el("td", {text: "Beroepsgericht lj 3-4"}),
                        el("td", {class: "num", text: nl(school.beroepsgericht_pupils)})));
    panel.appendChild(el("table", {class: "profiles"}, prof));
    panel.appendChild(el("div", {class: "row"}, el("b", {text: "Regio: "}), swatch(region),
      el("span", {id: "school-region", text: regionName(region)})));
    if (school.penvoerder) {
      panel.appendChild(el("div", {class: "row"}, el("b", {text: "Penvoerder: "}),
        el("span", {text: school.is_penvoerder ? "deze school"
          : (school.penvoerder.code ? school.penvoerder.name + " (" + school.penvoerder.code + ")"
             : "geen")})));
    }
    panel.appendChild(actions(school));
  }

  function regionSelect(school) {
    var select = el("select", {id: "target-region"});
    var near = school.nearby_regions.filter(function (r) { return app.region[r]; });
    var groups = [["In de buurt", near], ["Alle regio's", app.base.regions.map(function (r) {
      return r.id; }).filter(function (r) { return r !== school.current_region; })]];
    groups.forEach(function (g) {
      if (!g[1].length) return;
      var group = el("optgroup", {label: g[0]});
      g[1].forEach(function (r) { group.appendChild(el("option", {value: r, text: regionName(r)})); });
      select.appendChild(group);
    });
    return select;
  }

  function actions(school) {
    var box = el("div", {class: "actions"});
    var select = regionSelect(school);
    if (school.current_region) {
      box.appendChild(el("div", {class: "row"}, el("label", {for: "target-region", text: "Naar:"}),
        select, el("button", {id: "move", type: "button", text: "Verplaats",
          onclick: function () { change("move", school.code, select.value); }})));
      box.appendChild(el("div", {class: "row"}, el("button", {id: "leave", type: "button",
        class: "secondary", text: "Stapt uit (geen regio meer)",
        onclick: function () { change("leave", school.code, null); }})));
    } else {
      box.appendChild(el("div", {class: "row"}, el("label", {for: "target-region",
        text: "Sluit aan bij:"}), select, el("button", {id: "join", type: "button",
        text: "Sluit aan", onclick: function () { change("join", school.code, select.value); }})));
    }
    return box;
  }

  function selectSchool(code, quiet) {
    app.selected = code;
    if (!quiet) hideError();
    return request("GET", "/api/school?code=" + encodeURIComponent(code)).then(function (school) {
      showSchool(school);
      if (app.state) drawState(app.state);
      if (!quiet) {
        var s = app.schoolByCode[code];
        if (s) app.map.setView([s.lat, s.lon], Math.max(app.map.getZoom(), 10));
      }
    }).catch(function (e) { showError(e.message, e.problems); });
  }

  function showRegion(id, quiet) {
    app.openRegion = id;
    return call("GET", "/api/region?id=" + encodeURIComponent(id)).then(function (r) {
      var panel = clear($("region-panel"));
      panel.hidden = false;
      panel.appendChild(el("div", {class: "row"},
        el("h2", null, swatch(r.region_id), " ", "Regio " + r.name + " (" + r.region_id + ")"),
        el("button", {type: "button", class: "panel-button secondary", text: "×",
                      title: "Sluiten", onclick: function () { panel.hidden = true; app.openRegion = null; }})));
      if (r.dissolved) { panel.appendChild(el("p", {text: "Opgeheven: geen school meer."})); return; }
      var f = r.figures;
      var rules = el("tbody");
      r.rules.forEach(function (rule) {
        rules.appendChild(el("tr", {"data-rule": rule.rule},
          el("td", {text: RULE_LABELS[rule.rule] || rule.rule}),
          el("td", {class: rule.status, text: STATUS_LABELS[rule.status] || rule.status})));
      });
      panel.appendChild(el("table", {class: "rules"}, rules));
      var partners = f.mbo.length ? f.mbo.slice(0, 4).join(", ") +
        (f.mbo.length > 4 ? " en " + (f.mbo.length - 4) + " andere" : "") : "geen";
      var rows = [["Scholen", nl(f.n_schools)], ["Techniekleerlingen lj 3-4", nl(f.technical_pupils)],
        ["Techniekarm", f.techniekarm ? "ja" : "nee"],
        ["Penvoerder", f.penvoerder.code ? f.penvoerder.name + " (" + f.penvoerder.code + ")" : "geen",
         true],
        ["Mbo-partner", partners, true]];
      f.profiles.forEach(function (p) { rows.push(["\u2003" + p.profile, nl(p.pupils)]); });
      if (r.money) {
        rows.push(["Transitiegeld", euro(r.money.transition)],
                  ["Structureel geld", euro(r.money.structural)],
                  ["Cofinanciering", euro(r.money.cofunding)]);
      }
      var body = el("tbody");
      rows.forEach(function (row) {
        body.appendChild(el("tr", null, el("th", {text: row[0]}),
                            el("td", {class: row[2] ? "text" : "num", text: row[1]})));
      });
      panel.appendChild(el("table", {class: "figures"}, body));
      var members = el("ul", {class: "members"});
      r.members.forEach(function (m) {
        members.appendChild(el("li", null, el("span", {class: "link", text: m.name + " (" + m.code + ")",
          onclick: function () { selectSchool(m.code); }}), " · " + nl(m.technical)));
      });
      panel.appendChild(el("h3", {text: "Scholen (techniekleerlingen)"}));
      panel.appendChild(members);
      if (!quiet) panel.scrollIntoView({block: "nearest"});
    }).catch(function () {});
  }

  // ---------------------------------------------------------------- repair

  function askRepair() {
    hideError();
    var allow = $("allow-dissolve").checked;
    return call("POST", "/api/repair", {allow_dissolve: allow}).then(showProposal)
      .catch(function () {});
  }

  function showProposal(p) {
    var panel = clear($("repair-panel"));
    panel.hidden = false;
    app.proposal = p;
    app.layers.proposal.clearLayers();
    panel.appendChild(el("h2", {text: "Voorstel: reparatie"}));
    if (p.status !== "repaired") {
      panel.appendChild(el("p", {text: p.status === "not_needed" ? "Geen reparatie nodig."
        : "Geen reparatie gevonden:"}));
      var why = el("ul", {class: "messages"});
      p.explanation.forEach(function (e) { why.appendChild(el("li", {text: e})); });
      panel.appendChild(why);
      if (!p.allow_dissolve && p.status !== "not_needed") {
        panel.appendChild(el("p", {class: "muted", text: "Tip: vink \u201copheffen toestaan\u201d aan " +
          "als een regio mag verdwijnen."}));
      }
      panel.appendChild(el("button", {class: "panel-button secondary", type: "button",
        text: "Sluiten", onclick: closeProposal}));
      return;
    }
    panel.appendChild(el("p", {text: p.moves.length + " verdere verplaatsing(en) maken het plan " +
      "weer geldig" + (p.optimal ? " (bewezen het minste aantal)" : "") + "."}));
    var list = el("ul", {class: "moves", id: "proposal-moves"});
    p.moves.forEach(function (m) {
      list.appendChild(el("li", null, el("span", {class: "link", text: m.name + " (" + m.code + ")",
        onclick: function () { selectSchool(m.code); }}), ": " + regionName(m.from) + " → " +
        regionName(m.to)));
      ring(app.layers.proposal, m.code, "#e66101", "5 3");
    });
    panel.appendChild(list);
    if (p.dissolved.length) {
      panel.appendChild(el("p", {class: "rule-broken", text: "Opgeheven: " +
        p.dissolved.map(regionName).join(", ")}));
    }
    panel.appendChild(el("div", {class: "row"},
      el("button", {id: "accept", type: "button", text: "Accepteer",
        onclick: function () { acceptProposal(p.version); }}),
      el("button", {id: "refuse", type: "button", class: "secondary", text: "Weiger",
        onclick: refuseProposal})));
    p.regions.forEach(function (r) {
      panel.appendChild(regionBlock(r, [["before", "start"], ["after", "nu"],
                                        ["repaired", "na reparatie"]], "repaired"));
    });
  }

  function closeProposal() {
    app.proposal = null;
    clear($("repair-panel")).hidden = true;
    if (app.layers.proposal) app.layers.proposal.clearLayers();
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
          text: s.code + " · " + s.place + " · " + s.gemeente + " · " + regionName(s.region_id)})));
      });
      if (r.total > r.schools.length) {
        list.appendChild(el("li", {class: "sub", text: (r.total - r.schools.length) +
          " meer; typ verder om te verfijnen"}));
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
      RULE_LABELS.min_vmbo = "Minstens " + base.limits.min_vmbo + " vmbo-scholen";
      RULE_LABELS.size = "Genoeg techniekleerlingen (minstens " +
        nl(base.limits.min_technical_pupils) + ")";
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
})();
