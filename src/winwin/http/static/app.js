/* Winwin pages: small progressive enhancements, no inline scripts anywhere.
 *
 * Charts: a page draws a chart by placing
 *   <canvas data-chart='{"type": "bar", "data": {...}, "options": {...}}'
 *           role="img" aria-label="what the chart shows"></canvas>
 * with a Chart.js configuration as JSON (use the `tojson` filter). This file draws every
 * such canvas on load and after each htmx swap. Give every chart a text alternative
 * (aria-label or a table next to it).
 *
 * htmx: every htmx request carries the CSRF token from <meta name="csrf-token">.
 */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function drawCharts(root) {
    if (typeof window.Chart === "undefined") return;
    var canvases = (root || document).querySelectorAll("canvas[data-chart]");
    canvases.forEach(function (canvas) {
      if (canvas.dataset.chartDrawn) return;
      try {
        var config = JSON.parse(canvas.getAttribute("data-chart"));
        config.options = config.options || {};
        // JSON cannot carry a function: "skipEmpty" leaves unlabelled datasets (such as
        // the lower edge of an interval band) out of the legend.
        var legend = (config.options.plugins || {}).legend;
        if (legend && legend.labels && legend.labels.skipEmpty) {
          legend.labels.filter = function (item) { return Boolean(item.text); };
        }
        // JSON cannot carry a function either: a scale whose ticks name a "unit" (the
        // radar's "%") shows it on the ticks and in the tooltips.
        var radial = (config.options.scales || {}).r;
        if (radial && radial.ticks && radial.ticks.unit) {
          var unit = radial.ticks.unit;
          radial.ticks.callback = function (value) { return value + " " + unit; };
          config.options.plugins = config.options.plugins || {};
          config.options.plugins.tooltip = {
            callbacks: {
              label: function (context) {
                return context.dataset.label + ": " + context.formattedValue + " " + unit;
              }
            }
          };
        }
        if (config.options.animation === undefined &&
            window.matchMedia("(prefers-reduced-motion: reduce)").matches) {
          config.options.animation = false;
        }
        new window.Chart(canvas, config);
        canvas.dataset.chartDrawn = "1";
      } catch (err) {
        console.error("chart", err);
      }
    });
  }

  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = csrfToken();
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    drawCharts(event.target);
  });
  document.addEventListener("DOMContentLoaded", function () {
    drawCharts(document);
    document.querySelectorAll("[data-confirm]").forEach(function (el) {
      el.addEventListener("submit", function (event) {
        if (!window.confirm(el.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
    // A page that asks something of the reader (data-focus-first) moves focus there,
    // so that keyboard and screen reader users meet the question first.
    var first = document.querySelector("[data-focus-first]");
    if (first) first.focus();
    // Copy buttons: <button data-copy="ID" data-copied="Copied"> copies the value of
    // the field ID; without a clipboard the field is selected for the user to copy.
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var field = document.getElementById(button.getAttribute("data-copy"));
        if (!field) return;
        var done = function () {
          var status = document.getElementById(button.getAttribute("data-copy") + "-status");
          if (status) status.textContent = button.getAttribute("data-copied");
        };
        field.select();
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(field.value).then(done, function () {});
        } else if (document.execCommand && document.execCommand("copy")) {
          done();
        }
      });
    });
  });
})();
