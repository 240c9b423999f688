/* The presentation view: the arrow keys and Page Up / Page Down follow the page's
 * previous and next links (which work without this file too); Escape leaves. */
(function () {
  "use strict";
  var NEXT = ["ArrowRight", "ArrowDown", "PageDown"];
  var PREVIOUS = ["ArrowLeft", "ArrowUp", "PageUp"];

  function follow(selector) {
    var link = document.querySelector(selector);
    if (link) window.location.assign(link.getAttribute("href"));
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    if (NEXT.indexOf(event.key) >= 0) {
      event.preventDefault();
      follow('a[rel="next"]');
    } else if (PREVIOUS.indexOf(event.key) >= 0) {
      event.preventDefault();
      follow('a[rel="prev"]');
    } else if (event.key === "Escape") {
      follow("a.present-exit");
    }
  });
})();
