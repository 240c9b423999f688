/* Organisation pickers by name (templates/_org_picker.html): the ARIA combobox pattern.
 *
 * Without this file a picker is a select or a list of tick boxes (or, for co-authors, an
 * e-mail field). With it, a text field asks /pick/orgs or /pick/people (htmx) for the
 * organisations or people whose name contains what was typed;
 * arrow keys move through the suggestions, Enter or a click chooses, Escape closes.
 * Choosing sets the select (one organisation) or ticks a box (several), so the form
 * posts exactly what it posts without scripts, and fires "change" for live previews.
 */
(function () {
  "use strict";

  function options(list) {
    return Array.prototype.slice.call(list.querySelectorAll('[role="option"]:not([aria-disabled="true"])'));
  }

  function close(input, list) {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function activate(input, list, index) {
    var all = options(list);
    all.forEach(function (o, i) { o.setAttribute("aria-selected", i === index ? "true" : "false"); });
    if (index >= 0 && all[index]) {
      input.setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function current(list) {
    return options(list).findIndex(function (o) { return o.getAttribute("aria-selected") === "true"; });
  }

  function choose(picker, input, list, option) {
    var key = option.getAttribute("data-key");
    var name = option.getAttribute("data-name");
    var changed = null;
    if (picker.getAttribute("data-picker") === "multiple") {
      var holder = picker.querySelector(".picker-chosen");
      var box = holder && holder.querySelector('input[value="' + CSS.escape(key) + '"]');
      if (holder && !box) {
        var li = document.createElement("li");
        var label = document.createElement("label");
        box = document.createElement("input");
        box.type = "checkbox";
        box.name = holder.getAttribute("data-field");
        box.value = key;
        label.appendChild(box);
        label.appendChild(document.createTextNode(" " + name));
        li.appendChild(label);
        holder.appendChild(li);
      }
      if (box) {
        box.checked = true;
        var row = box.closest("li");
        row.className = "picker-chosen-item";
        row.hidden = false;
        changed = box;
      }
      input.value = "";
    } else {
      var value = picker.querySelector(".picker-value");
      if (value && value.tagName === "SELECT") {
        var opt = value.querySelector('option[value="' + CSS.escape(key) + '"]');
        if (!opt) {
          opt = document.createElement("option");
          opt.value = key;
          opt.textContent = name;
          value.appendChild(opt);
        }
        value.value = key;
      } else if (value) {
        value.value = key;
      }
      changed = value;
      input.value = name;
    }
    close(input, list);
    if (changed) changed.dispatchEvent(new Event("change", { bubbles: true }));
    input.focus();
  }

  function enhance(picker) {
    if (picker.dataset.enhanced) return;
    picker.dataset.enhanced = "1";
    var input = picker.querySelector(".picker-input");
    var list = picker.querySelector(".picker-list");
    if (!input || !list) return;
    input.hidden = false;
    // A picker beside a typed fallback (the co-author's e-mail): its texts show, and the
    // fallback is no longer required, since a choice from the list will do.
    var form = picker.closest("form");
    if (form) {
      form.querySelectorAll(".picker-only").forEach(function (el) { el.hidden = false; });
      form.querySelectorAll("[data-picker-or]").forEach(function (el) { el.required = false; });
    }
    if (picker.getAttribute("data-picker") === "single") {
      var value = picker.querySelector(".picker-value");
      var label = picker.querySelector("label[for]");
      if (value) {
        value.hidden = true;
        value.setAttribute("tabindex", "-1");
        if (value.tagName === "SELECT" && value.selectedIndex > 0) {
          input.value = value.options[value.selectedIndex].textContent;
        } else if (picker.hasAttribute("data-free")) {
          input.value = value.value;
          // The hidden field cannot show a "required" message; the server says it instead.
          value.required = false;
        }
      }
      if (label) label.htmlFor = input.id;
    } else {
      picker.querySelectorAll(".picker-fallback").forEach(function (li) { li.hidden = true; });
    }
    input.addEventListener("keydown", function (event) {
      var all = options(list);
      var at = current(list);
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden && all.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        var step = event.key === "ArrowDown" ? 1 : -1;
        activate(input, list, all.length ? (at + step + all.length) % all.length : -1);
      } else if (event.key === "Enter") {
        if (!list.hidden && at >= 0) {
          event.preventDefault();
          choose(picker, input, list, all[at]);
        } else if (!list.hidden && all.length === 1) {
          event.preventDefault();
          choose(picker, input, list, all[0]);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) { event.preventDefault(); close(input, list); }
      }
    });
    input.addEventListener("input", function () {
      var value = picker.querySelector(".picker-value");
      if (!value) return;
      // A free picker posts what is typed (a name or a key) unless a suggestion is chosen;
      // a hidden value (a person's id) no longer matches once the name is edited.
      if (picker.hasAttribute("data-free")) value.value = input.value;
      else if (value.type === "hidden") value.value = "";
    });
    input.addEventListener("blur", function () {
      window.setTimeout(function () { close(input, list); }, 150);
    });
    list.addEventListener("mousedown", function (event) {
      var option = event.target.closest('[role="option"]');
      if (option && option.getAttribute("aria-disabled") !== "true") {
        event.preventDefault();
        choose(picker, input, list, option);
      }
    });
    list.addEventListener("htmx:afterSwap", function () {
      var any = list.querySelector('[role="option"]');
      list.hidden = !any;
      input.setAttribute("aria-expanded", any ? "true" : "false");
      activate(input, list, -1);
    });
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll("[data-picker]").forEach(enhance);
  }

  document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  document.addEventListener("htmx:load", function (event) { enhanceAll(event.target); });
})();
