/* regionopt: a region's name is hidden where it would overlap the name of a larger region.
   One definition for the static maps (inlined) and the web app (/static/declutter.js). */
(function (root) {
  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }
  function rank(node) {
    var holder = node.dataset.rank ? node : node.querySelector("[data-rank]");
    return holder ? Number(holder.dataset.rank) || 0 : 0;
  }
  // Larger regions (data-rank) keep their names; a name that would cover one already shown
  // is hidden with hiddenClass. Names not laid out (no size) are left as they are, and so
  // are names fading out (Leaflet keeps a removed label for its fade, at opacity 0): else a
  // region redrawn in place would give way to its own old name.
  root.regionoptDeclutter = function (container, selector, hiddenClass) {
    var nodes = Array.prototype.slice.call(container.querySelectorAll(selector));
    nodes.forEach(function (node) { node.classList.remove(hiddenClass); });
    nodes.sort(function (a, b) { return rank(b) - rank(a); });
    var shown = [];
    nodes.forEach(function (node) {
      var box = node.getBoundingClientRect();
      if (!box.width || !box.height || node.style.opacity === "0") return;
      if (shown.some(function (other) { return overlaps(box, other); })) {
        node.classList.add(hiddenClass);
      } else {
        shown.push(box);
      }
    });
  };
})(window);
