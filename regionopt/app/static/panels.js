/* regionopt serve: the panels (school, region, what the changes do, repair proposal). */
(function () {
  "use strict";

  var app = window.regionopt;
  var el = app.el, $ = app.$, clear = app.clear, nl = app.nl, euro = app.euro;
  var regionName = app.regionName, swatch = app.swatch;
  var showError = app.showError, hideError = app.hideError, request = app.request, call = app.call;
  var RULE_LABELS = app.RULE_LABELS, STATUS_LABELS = app.STATUS_LABELS;
  // Defined in app.js (loaded after this file); looked up when called.
  function change(kind, code, region) { return app.change(kind, code, region); }
  function ring(layer, code, colour, dash) { return app.ring(layer, code, colour, dash); }
  function drawState(state) { return app.drawState(state); }
  function acceptProposal(version) { return app.acceptProposal(version); }
  function refuseProposal() { return app.refuseProposal(); }

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
    if (whatif.others_money_nl) {
      panel.appendChild(el("p", {class: "muted others-money", text: whatif.others_money_nl}));
    }
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
    var rest = app.base.regions.map(function (r) { return r.id; }).filter(function (r) {
      return r !== school.current_region && near.indexOf(r) < 0; });
    [["In de buurt", near], ["Andere regio's", rest]].forEach(function (g) {
      if (!g[1].length) return;
      var group = el("optgroup", {label: g[0]});
      g[1].forEach(function (r) { group.appendChild(el("option", {value: r, text: regionName(r)})); });
      select.appendChild(group);
    });
    // A school in no region is offered the region it was in at the start first.
    var start = app.schoolByCode[school.code];
    if (!school.current_region && start && start.region && app.region[start.region]) {
      select.value = start.region;
    }
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
        panel.appendChild(el("p", {class: "muted", text: "Tip: vink \u201cregio opheffen toestaan\u201d aan " +
          "als een regio mag verdwijnen."}));
      }
      panel.appendChild(el("button", {class: "panel-button secondary", type: "button",
        text: "Sluiten", onclick: closeProposal}));
      return;
    }
    panel.appendChild(el("p", {text: p.moves.length + " verdere verplaatsing(en) maken het plan " +
      "weer geldig" + (p.optimal ? " (minder kan niet: bewezen)" : "") + "."}));
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



  app.ruleTable = ruleTable;
  app.figureTable = figureTable;
  app.regionBlock = regionBlock;
  app.renderChanges = renderChanges;
  app.showSchool = showSchool;
  app.regionSelect = regionSelect;
  app.actions = actions;
  app.selectSchool = selectSchool;
  app.showRegion = showRegion;
  app.showProposal = showProposal;
  app.closeProposal = closeProposal;
})();
