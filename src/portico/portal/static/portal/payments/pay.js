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

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    // One click, one submission; the idempotency key covers a second one anyway.
    if (button) { window.setTimeout(function () { button.disabled = true; }, 0); }
  });
}());
