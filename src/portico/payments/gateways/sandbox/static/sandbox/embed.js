// Parent side of the sandbox hosted fields: accept messages only from the frame's origin
// and window, and show (or store in [data-sandbox-out] elements) what it hands over.
(function () {
  "use strict";
  var frame = document.querySelector("iframe[data-sandbox-fields]");
  if (!frame) { return; }
  var frameOrigin = new URL(frame.src, window.location.href).origin;

  function put(name, value) {
    document.querySelectorAll('[data-sandbox-out="' + name + '"]').forEach(function (el) {
      if ("value" in el && el.tagName === "INPUT") { el.value = value; } else { el.textContent = value; }
    });
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== frameOrigin || event.source !== frame.contentWindow) { return; }
    var data = event.data || {};
    if (data.type === "sandbox:token") {
      put("token", data.token);
      put("brand", data.brand);
      put("last4", data.last4);
      put("expiry", data.exp_month ? data.exp_month + "/" + data.exp_year : "");
      document.dispatchEvent(new CustomEvent("sandbox:token", { detail: data }));
    }
  });
}());
