// Fields that apply only when another field has a value: <input data-needs="id_other"> is
// disabled (and cleared) while #id_other is empty. The server refuses them too, so the page
// works without this script.
(function () {
  function update(field, source) {
    const empty = !source.value;
    field.disabled = empty;
    if (empty && field.type === "checkbox") { field.checked = false; }
    field.closest(".mb-3")?.classList.toggle("opacity-50", empty);
  }
  document.querySelectorAll("[data-needs]").forEach(function (field) {
    const source = document.getElementById(field.dataset.needs);
    if (!source) { return; }
    update(field, source);
    source.addEventListener("change", function () { update(field, source); });
  });
})();
