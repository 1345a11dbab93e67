// Small page behaviours shared by every page. No framework: htmx does the partial updates.
document.addEventListener("keydown", function (event) {
  // "/" focuses the search box of a list page, as in many web applications.
  if (event.key === "/" && !["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName)) {
    const search = document.querySelector("[data-search]");
    if (search) { event.preventDefault(); search.focus(); }
  }
});
document.addEventListener("click", function (event) {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) { event.preventDefault(); }
});

// Dialogs (Create interaction, ...): a link with data-dialog opens its page over the current
// one in a modal, through htmx; without JavaScript, or with a modifier key, it is a plain link.
document.addEventListener("click", function (event) {
  const link = event.target.closest("a[data-dialog]");
  if (!link || !window.htmx || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
  event.preventDefault();
  window.htmx.ajax("GET", link.href, { target: "#dialog-host", swap: "innerHTML" });
});
document.addEventListener("htmx:afterSettle", function (event) {
  if (event.detail.target && event.detail.target.id === "dialog-host") {
    const modal = event.detail.target.querySelector(".modal");
    if (modal && window.bootstrap) {
      modal.addEventListener("shown.bs.modal", function () { focusDialog(); }, { once: true });
      window.bootstrap.Modal.getOrCreateInstance(modal).show();
      return;
    }
  }
  if (document.getElementById("interaction-dialog") && event.detail.target
      && ["interaction-dialog", "dialog-host"].includes(event.detail.target.id)) { focusDialog(); }
});
// The first field with an error, else the autofocus button (the Cancel question), else the
// first empty field.
function focusDialog() {
  const form = document.querySelector("[data-dialog-form]");
  if (!form) { return; }
  const target = form.querySelector(".is-invalid") || form.querySelector("[autofocus]")
    || form.querySelector("input:not([type=hidden]):not([disabled]), select:not([disabled])");
  if (target) { target.focus(); }
}
// Escape in a dialog: Cancel (which asks whether to finish later); on that question: Back.
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") { return; }
  const form = document.querySelector("[data-dialog-form]");
  if (!form) { return; }
  const button = form.querySelector("[data-dialog-back]") || form.querySelector("[data-dialog-cancel]");
  if (button) { event.preventDefault(); button.click(); }
});
document.addEventListener("DOMContentLoaded", focusDialog);

// A form with data-dialog (a GET form, e.g. Create interaction for the selected row of the
// interaction log) opens its page in the dialog too; without JavaScript it is a plain GET.
// A later value of a name wins (the selected row's contact over the list's filter).
document.addEventListener("submit", function (event) {
  const form = event.target.closest("form[data-dialog]");
  if (!form || !window.htmx || (form.method || "get").toLowerCase() !== "get") { return; }
  event.preventDefault();
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(form, event.submitter)) { if (value !== "") { params.set(name, value); } }
  const query = params.toString();
  window.htmx.ajax("GET", form.action + (query ? "?" + query : ""), { target: "#dialog-host", swap: "innerHTML" });
});

// Row selection (NAV's current record): a radio per row; clicking a row's plain cell selects
// it too, and the selected row is highlighted. Arrow keys move it (a radio group).
function markSelectedRows(input) {
  const table = input.closest("table");
  if (!table) { return; }
  for (const row of table.querySelectorAll("tr.row-selected")) { row.classList.remove("row-selected"); }
  const checked = table.querySelector("input[data-row-select]:checked");
  if (checked) { checked.closest("tr").classList.add("row-selected"); }
}
document.addEventListener("change", function (event) {
  if (event.target.matches("input[data-row-select]")) { markSelectedRows(event.target); }
});
document.addEventListener("click", function (event) {
  if (event.target.closest("a, button, input, select, textarea, label")) { return; }
  const row = event.target.closest("tr");
  const radio = row && row.querySelector("input[data-row-select]:not([disabled])");
  if (radio && !radio.checked) { radio.click(); }
});
