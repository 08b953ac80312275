// A card payment the bank wants confirmed (3-D Secure): the gateway's script (Stripe.js) shows
// the bank's window for the charge's client secret, then the form asks Portico to settle the
// checkout from the gateway's answer. Without the script, the button still asks.
(function () {
  "use strict";
  var form = document.getElementById("authenticate");
  if (!form || typeof window.Stripe !== "function") { return; }
  var stripe = window.Stripe(form.dataset.publishableKey);
  var button = form.querySelector("button[type=submit]");
  var started = false;

  function authenticate() {
    if (started) { return; }
    started = true;
    button.disabled = true;
    // Whatever the bank answers, the checkout is settled from what the gateway records.
    stripe.confirmCardPayment(form.dataset.clientSecret).then(function () {
      form.submit();
    }, function () {
      form.submit();
    });
  }

  form.addEventListener("submit", function (event) {
    if (!started) {
      event.preventDefault();
      authenticate();
    }
  });
  authenticate();
}());
