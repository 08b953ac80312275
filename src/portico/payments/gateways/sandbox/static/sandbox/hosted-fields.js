// Sandbox hosted fields: tokenise in this frame, hand the parent page only the token.
(function () {
  "use strict";
  var form = document.getElementById("sandbox-fields");
  if (!form) { return; }
  var parentOrigin = form.dataset.parentOrigin;
  var status = form.querySelector("[data-status]");
  var button = form.querySelector("button[type=submit]");
  var SECRET_FIELDS = ["number", "cvc", "account_number", "routing_number"];

  function clearErrors() {
    form.querySelectorAll("[data-error-for]").forEach(function (p) { p.hidden = true; p.textContent = ""; });
    form.querySelectorAll("input[aria-invalid]").forEach(function (i) { i.removeAttribute("aria-invalid"); });
  }

  function showErrors(fields) {
    Object.keys(fields).forEach(function (name) {
      var p = form.querySelector('[data-error-for="' + name + '"]');
      var input = form.elements.namedItem(name);
      if (p) { p.textContent = fields[name]; p.hidden = false; }
      if (input && input.setAttribute) { input.setAttribute("aria-invalid", "true"); }
    });
  }

  function tell(message) {
    if (window.parent && window.parent !== window) {
      window.parent.postMessage(message, parentOrigin);
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearErrors();
    var data = {};
    new FormData(form).forEach(function (value, key) { data[key] = value; });
    button.disabled = true;
    status.textContent = "…";
    fetch(form.action, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(data),
      credentials: "omit"
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      button.disabled = false;
      if (!result.ok) {
        var error = result.body.error || {};
        showErrors(error.fields || {});
        status.textContent = error.message || "Error";
        tell({ type: "sandbox:error", code: error.code || "error" });
        return;
      }
      SECRET_FIELDS.forEach(function (name) {
        var input = form.elements.namedItem(name);
        if (input) { input.value = ""; }
      });
      var t = result.body;
      status.textContent = t.brand + " •••• " + t.last4;
      tell({
        type: "sandbox:token", token: t.token, kind: t.kind, brand: t.brand,
        last4: t.last4, exp_month: t.exp_month, exp_year: t.exp_year
      });
    }).catch(function () {
      button.disabled = false;
      status.textContent = form.dataset.unreachable;
      tell({ type: "sandbox:error", code: "network" });
    });
  });
}());
