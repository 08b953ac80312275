// Stripe hosted fields: Stripe Elements collects the card and Stripe.js confirms a SetupIntent
// (3-D Secure included); the parent page is handed only the PaymentMethod id, brand, last 4
// and expiry. Nothing typed into the card element passes through this site.
(function () {
  "use strict";
  var form = document.getElementById("stripe-fields");
  if (!form || typeof window.Stripe !== "function") { return; }
  var parentOrigin = form.dataset.parentOrigin;
  var status = form.querySelector("[data-status]");
  var errorBox = document.getElementById("card-error");
  var button = form.querySelector("button[type=submit]");
  var nameInput = form.elements.namedItem("name");
  var stripe = window.Stripe(form.dataset.publishableKey);
  var card = stripe.elements().create("card");
  card.mount("#card-element");

  function tell(message) {
    if (window.parent && window.parent !== window) {
      window.parent.postMessage(message, parentOrigin);
    }
  }

  function fail(message, code) {
    button.disabled = false;
    status.textContent = "";
    errorBox.textContent = message || "The card could not be used.";
    errorBox.hidden = false;
    tell({ type: "stripe:error", code: code || "error" });
  }

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": form.elements.namedItem("csrfmiddlewaretoken").value
      },
      body: JSON.stringify(data || {}),
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    errorBox.hidden = true;
    button.disabled = true;
    status.textContent = "…";
    post(form.dataset.setupUrl).then(function (setup) {
      if (!setup.ok) {
        var err = setup.body.error || {};
        fail(err.message, err.code);
        return null;
      }
      var billing = nameInput.value ? { name: nameInput.value } : {};
      return stripe.confirmCardSetup(setup.body.client_secret, {
        payment_method: { card: card, billing_details: billing }
      }).then(function (result) {
        if (result.error) {
          fail(result.error.message, result.error.code || "card_error");
          return null;
        }
        return post(form.dataset.methodUrl, { setup_intent: result.setupIntent.id });
      });
    }).then(function (method) {
      if (!method) { return; }
      if (!method.ok) {
        var err = method.body.error || {};
        fail(err.message, err.code);
        return;
      }
      var m = method.body;
      button.disabled = false;
      status.textContent = m.brand + " •••• " + m.last4;
      tell({
        type: "stripe:token", token: m.token, kind: m.kind, brand: m.brand,
        last4: m.last4, exp_month: m.exp_month, exp_year: m.exp_year
      });
    }).catch(function () {
      fail("The payment service could not be reached.", "network");
    });
  });
}());
