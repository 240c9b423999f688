/* The network map (templates/insight/_map.html): one Tab stop and arrow keys.
 *
 * Without this file every organisation on the map is its own Tab stop. With it, the map
 * is one Tab stop (a roving tabindex: the reader's organisation first, then the one
 * last visited); the arrow keys move to the nearest organisation in that direction
 * (closest along it, sideways distance counting double), Home goes back to the reader,
 * Enter or Space opens the organisation: the overlap with one of the reader's ties, else
 * its row in the table after the map.
 */
(function () {
  "use strict";

  var DIRECTIONS = {
    ArrowRight: [1, 0],
    ArrowLeft: [-1, 0],
    ArrowDown: [0, 1],
    ArrowUp: [0, -1]
  };

  function centre(node) {
    var circle = node.querySelector("circle");
    return [parseFloat(circle.getAttribute("cx")), parseFloat(circle.getAttribute("cy"))];
  }

  function nearest(nodes, here, direction) {
    var from = centre(here);
    var best = null;
    var bestScore = Infinity;
    nodes.forEach(function (node) {
      if (node === here) { return; }
      var to = centre(node);
      var dx = to[0] - from[0];
      var dy = to[1] - from[1];
      var along = dx * direction[0] + dy * direction[1];
      if (along <= 0) { return; }
      var across = Math.abs(dx * direction[1] - dy * direction[0]);
      var score = along + 2 * across;
      if (score < bestScore) {
        bestScore = score;
        best = node;
      }
    });
    return best;
  }

  function open(node) {
    var href = node.getAttribute("data-href");
    if (href) {
      window.location.assign(href);
      return;
    }
    var row = document.getElementById("map-row-" + node.getAttribute("data-key"));
    if (row) {
      var details = row.closest("details");
      if (details) { details.open = true; }
      row.focus();
    }
  }

  function setup(svg) {
    var nodes = Array.prototype.slice.call(svg.querySelectorAll(".map-node"));
    if (!nodes.length) { return; }
    var start = svg.querySelector(".map-node.role-self") || nodes[0];
    nodes.forEach(function (node) { node.setAttribute("tabindex", node === start ? "0" : "-1"); });
    svg.setAttribute("data-keys", "roving");

    function move(from, to) {
      from.setAttribute("tabindex", "-1");
      to.setAttribute("tabindex", "0");
      to.focus();
    }

    svg.addEventListener("keydown", function (event) {
      var here = event.target.closest ? event.target.closest(".map-node") : null;
      if (!here) { return; }
      var direction = DIRECTIONS[event.key];
      if (direction) {
        event.preventDefault();
        var next = nearest(nodes, here, direction);
        if (next) { move(here, next); }
      } else if (event.key === "Home") {
        event.preventDefault();
        move(here, start);
      } else if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        open(here);
      }
    });
    svg.addEventListener("click", function (event) {
      var here = event.target.closest ? event.target.closest(".map-node") : null;
      if (!here) { return; }
      nodes.forEach(function (node) { node.setAttribute("tabindex", node === here ? "0" : "-1"); });
      here.focus();
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll('svg[data-testid="network-map"]'), setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
