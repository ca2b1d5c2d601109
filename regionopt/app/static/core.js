/* regionopt serve: shared helpers and talking to the server. Plain JavaScript, no build step.
 *
 * Every text that comes from data is put in the page with textContent (the `el` helper),
 * never as HTML. Each tab has its own session on the server (its id in sessionStorage, sent
 * as X-Session with every request); a duplicated tab gets a copy of its own.
 * The page's scripts share one object, window.regionopt (also for tests). */
(function () {
  "use strict";

  var SESSION_KEY = "regionopt-session";
  var CHANGED_KEY = "regionopt-changed";  // how many schools the tab's plan had changed
  var SESSION_LOST = "De server kent de wijzigingen van dit tabblad niet meer (opnieuw gestart, " +
    "of de sessie is verlopen): je werkt nu verder vanaf het startplan. Download het plan " +
    "(CSV) om wijzigingen te bewaren.";
  var NO_REGION = "#bdbdbd";
  var app = window.regionopt = {
    session: null, base: null, state: null, map: null, layers: {}, markers: {},
    region: {}, selected: null, openRegion: null, proposal: null, searchTimer: null,
    NO_REGION: NO_REGION,
    // Filled from /api/base (regionopt.dutch: the reports use the same labels).
    RULE_LABELS: {},
    STATUS_LABELS: {}
  };

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
    if (!id) return app.base.opted_out_name;  // a school in no region takes no part
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
  // Stays until the user closes it (an error box is cleared by the next action).
  function showNotice(message) {
    var box = $("notice");
    box.querySelector("span").textContent = message;
    box.querySelector("button").onclick = function () { box.hidden = true; };
    box.hidden = false;
  }

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
            // The server no longer has this tab's plan (restarted, or the session dropped):
            // say so when the tab had changes, then go on from the start plan.
            var lost = Number(sessionStorage.getItem(CHANGED_KEY) || 0);
            return newSession(null).then(function () {
              if (lost) showNotice(SESSION_LOST);
              return request(method, path, body, raw);
            });
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

  app.el = el;
  app.clear = clear;
  app.nl = nl;
  app.euro = euro;
  app.regionName = regionName;
  app.regionColour = regionColour;
  app.swatch = swatch;
  app.currentRegion = currentRegion;
  app.showError = showError;
  app.hideError = hideError;
  app.CHANGED_KEY = CHANGED_KEY;
  app.request = request;
  app.call = call;
  app.newSession = newSession;
  app.claimSession = claimSession;
  app.$ = $;
})();
