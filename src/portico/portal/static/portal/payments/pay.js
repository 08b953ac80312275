// Payment pages: the gateway's hosted fields live in an iframe and post back only a one-time
// token. Accept it from that frame's window and origin alone, and put it in the form.
(function () {
  "use strict";
  var form = document.querySelector("form[data-pay-form]");
  if (!form) { return; }
  var frames = Array.prototype.slice.call(document.querySelectorAll("iframe[data-hosted-fields]"));
  var status = form.querySelector("[data-token-status]");
  var token = form.querySelector("input[name=token]");
  var radios = Array.prototype.slice.call(form.querySelectorAll("input[name=method]"));
  var saveBox = form.querySelector("input[name=save_method]");

  function chosen() {
    var checked = radios.filter(function (r) { return r.checked; })[0];
    return checked ? checked.value : "";
  }

  function showFields() {
    if (!radios.length) { return; }
    var method = chosen();
    document.querySelectorAll("[data-fields-for]").forEach(function (box) {
      box.hidden = box.getAttribute("data-fields-for") !== method;
    });
    if (saveBox) { saveBox.closest(".form-check").hidden = method.indexOf("saved:") === 0; }
  }

  radios.forEach(function (r) { r.addEventListener("change", showFields); });
  showFields();

  window.addEventListener("message", function (event) {
    var frame = frames.filter(function (f) { return f.contentWindow === event.source; })[0];
    if (!frame || event.origin !== new URL(frame.src, window.location.href).origin) { return; }
    var data = event.data || {};
    if (typeof data.type !== "string" || !/:token$/.test(data.type) || typeof data.token !== "string") {
      return;
    }
    token.value = data.token;
    var kind = frame.getAttribute("data-hosted-fields");
    radios.forEach(function (r) { r.checked = r.value === kind; });
    if (status) {
      status.textContent = (data.brand || kind) + " •••• " + (data.last4 || "") + " ✓";
    }
    if (form.hasAttribute("data-submit-on-token")) { form.submit(); }
  });

  // The choice of invoices lives on the server (it spans pages): each tick is saved as it is
  // made, and the form's digest follows, so "Pay" pays exactly what the summary shows.
  var chooseUrl = form.getAttribute("data-choose-url");
  var digest = form.querySelector("input[name=digest]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
  var note = document.querySelector("[data-full-only-note]");
  function showChosen(data) {
    document.querySelectorAll("[data-chosen-count]").forEach(function (el) { el.textContent = data.count; });
    document.querySelectorAll("[data-chosen-total]").forEach(function (el) { el.textContent = data.total; });
    if (digest) { digest.value = data.digest; }
    if (note) { note.classList.toggle("d-none", !data.full_only); }
  }
  Array.prototype.slice.call(form.querySelectorAll("input[data-choose]")).forEach(function (box) {
    box.addEventListener("change", function () {
      if (!chooseUrl) { return; }
      var body = new FormData();
      body.append("csrfmiddlewaretoken", csrf ? csrf.value : "");
      body.append("shown", box.value);
      if (box.checked) { body.append("invoice", box.value); }
      fetch(chooseUrl, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(showChosen).catch(function () {
        // The ticks of this page are posted with the form anyway; the server re-checks them.
        if (status) { status.textContent = ""; }
      });
    });
  });

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    // One click, one submission; the idempotency key covers a second one anyway.
    if (button) { window.setTimeout(function () { button.disabled = true; }, 0); }
  });
}());
