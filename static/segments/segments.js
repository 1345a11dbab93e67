// Segment pages: the card's lines edited in place (UI.md's ListPart) and the template fill of
// the segment and line forms. htmx does the requests; this file only moves the focus and lets
// Escape cancel. Without JavaScript every link opens its own page.
(function () {
  "use strict";

  // Escape in a line's editor row: Cancel (the row shows the saved values again).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !event.target.closest) { return; }
    const editor = event.target.closest("[data-line-editor]")
      || (event.target.form && event.target.form.closest("[data-line-editor]"));
    if (!editor) { return; }
    const cancel = editor.querySelector("[data-line-cancel]");
    if (cancel) { event.preventDefault(); cancel.click(); }
  });

  // A field of an editor row that takes the focus is scrolled clear of the sticky column of
  // Save and Cancel (the browser only brings it inside the table's scroll container, where
  // that column may cover it).
  document.addEventListener("focusin", function (event) {
    const field = event.target;
    if (!field.closest || !field.closest("[data-line-editor] td:not(.row-actions)")) { return; }
    const box = field.closest(".table-responsive");
    const actions = field.closest("tr").querySelector("td.row-actions");
    if (!box || !actions) { return; }
    const cell = field.closest("td").getBoundingClientRect();
    const left = box.getBoundingClientRect().left;
    const right = actions.getBoundingClientRect().left;
    if (cell.right > right) {
      box.scrollLeft += Math.min(cell.right - right, cell.left - left);
    } else if (cell.left < left) {
      box.scrollLeft -= left - cell.left;
    }
  });

  function focusField(root) {
    const wanted = root.dataset.focus && document.getElementById(root.dataset.focus);
    const target = root.querySelector(".is-invalid") || wanted
      || root.querySelector("input:not([type=hidden]):not([disabled]), select:not([disabled])");
    if (target) { target.focus(); }
  }

  // What htmx has just put on the page: an editor row takes the focus (the first field with
  // an error, else the field that asked for the fill, else the first field); a line saved or
  // canceled gives the focus back to its Edit button; the form's fields after a template fill
  // give it back to the template.
  document.addEventListener("htmx:load", function (event) {
    const element = event.detail.elt;
    if (!element || !element.matches) { return; }
    const lost = !document.activeElement || document.activeElement === document.body;
    if (element.matches("[data-line-editor]")) {
      focusField(element);
    } else if (element.matches("tbody[data-line]") && lost) {
      const edit = element.querySelector("[data-line-edit]");
      if (edit) { edit.focus(); }
    } else if (element.id === "segment-fields" && lost) {
      const template = document.getElementById("id_template");
      if (template) { template.focus(); }
    }
  });
})();
