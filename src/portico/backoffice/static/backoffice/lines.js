// Document lines: choosing an item fills the line's description, rate and tax (still editable).
// The live totals re-post the form themselves (htmx on the totals box), so this only fills.
(function () {
  "use strict";
  var ITEM = /^(lines-\d+-)item$/;

  function catalogue() {
    var data = document.getElementById("line-items-data");
    return data ? JSON.parse(data.textContent) : {};
  }

  function fill(form, name, value) {
    var field = form.elements.namedItem(name);
    if (!field || value === undefined || value === null) {
      return;
    }
    field.value = value;
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("change", function (event) {
    var select = event.target;
    var match = select && select.name ? ITEM.exec(select.name) : null;
    if (!match || !select.form) {
      return;
    }
    var item = catalogue()[select.value];
    if (!item) {
      return;
    }
    fill(select.form, match[1] + "description", item.description);
    fill(select.form, match[1] + "rate", item.rate);
    fill(select.form, match[1] + "tax", item.tax === null ? "" : String(item.tax));
  });
})();
