// reportgen preview: reload when the project is rebuilt, keeping the reader's place.
(function () {
  "use strict";
  var script = document.currentScript;
  var build = script.dataset.build, server = script.dataset.server, keep = script.dataset.keep === "1";
  var KEY = "reportgen-preview-place", delay = 500;

  function place() {  // the last section that starts above the window, and how far into it we are
    var anchor = null, top = 0, sections = document.querySelectorAll("section[id]");
    for (var i = 0; i < sections.length; i++) {
      var t = sections[i].getBoundingClientRect().top;
      if (t > 1) break;
      anchor = sections[i]; top = t;
    }
    return {id: anchor ? anchor.id : null, offset: -top, y: window.scrollY};
  }
  function save() {
    if (keep) { try { sessionStorage.setItem(KEY, JSON.stringify(place())); } catch (e) {} }
  }
  function restore() {
    var saved = null;
    try { saved = JSON.parse(sessionStorage.getItem(KEY) || "null"); } catch (e) {}
    if (!saved) return;
    var anchor = saved.id && document.getElementById(saved.id);
    window.scrollTo(0, anchor ? anchor.getBoundingClientRect().top + window.scrollY + saved.offset : saved.y);
  }
  function poll() {
    fetch("/_reload?since=" + encodeURIComponent(build) + "&server=" + encodeURIComponent(server),
          {cache: "no-store"})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (v) {
        delay = 500;
        if (String(v.build) !== build || v.server !== server) { save(); location.reload(); } else { poll(); }
      })
      .catch(function () { setTimeout(poll, delay); delay = Math.min(2 * delay, 5000); });
  }
  if (keep) {  // an error page neither saves nor restores: once fixed, the report opens where it was
    if ("scrollRestoration" in history) history.scrollRestoration = "manual";
    window.addEventListener("load", function () {
      restore();
      if (document.fonts) document.fonts.ready.then(restore);
    });
    window.addEventListener("pagehide", save);
  }
  poll();
})();
