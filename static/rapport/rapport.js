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
