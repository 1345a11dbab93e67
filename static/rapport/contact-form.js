// The contact form (contacts/contact_form.html): company no., job title and the name parts apply
// to persons only, so they are hidden while the type is Company.
(function () {
  "use strict";
  function start() {
    const type = document.getElementById("id_type");
    if (!type) { return; }
    const sync = function () {
      document.querySelectorAll("[data-person-only]").forEach(function (element) {
        element.hidden = type.value === "company";
      });
    };
    type.addEventListener("change", sync);
    sync();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
