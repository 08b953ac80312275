"""localstripe for Portico's tests: `python -m tests.localstripe_server --port N`.

localstripe (PyPI) is a stateful local Stripe server with a fake Stripe.js. This launcher runs
its aiohttp app unchanged except for the gaps below, each a Stripe behaviour the tests rely on
(listed in docs/stripe.md, "Testing against localstripe"):

1. listens on 127.0.0.1 only (localstripe binds every interface) and keeps its state in
   memory (localstripe pickles it to a fixed /tmp file that parallel runs would share);
2. honours `Idempotency-Key` on POST: the same key answers the first response again;
3. answers `GET /v1/payment_intents/search` for `metadata['key']:'value'` queries;
4. refuses secret keys other than those in LOCALSTRIPE_SECRET_KEYS (any `sk_` passes otherwise);
5. declines Stripe's test cards at charge time with their `decline_code`, and a 402 carries
   the PaymentIntent, as Stripe does; setup declines only the cards Stripe declines at setup;
6. accepts `description` and `automatic_payment_methods` on a PaymentIntent (and the latter on
   a SetupIntent), and merges `card` on a PaymentMethod update;
7. charges 4000 0025 0000 3155 off session without asking for 3-D Secure again once it was
   authenticated at setup (Stripe's documented behaviour for that card).
"""

from __future__ import annotations

import argparse
import json
import os
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from localstripe import resources, server
from localstripe.errors import UserError

# number → (error code, decline code, message): Stripe's test cards (docs.stripe.com/testing).
CHARGE_DECLINES: dict[str, tuple[str, str, str]] = {
    "4000000000000341": ("card_declined", "generic_decline", "Your card was declined."),
    "4000000000009995": (
        "card_declined",
        "insufficient_funds",
        "Your card has insufficient funds.",
    ),
    "4000000000009987": ("card_declined", "lost_card", "Your card was declined."),
    "4000000000009979": ("card_declined", "stolen_card", "Your card was declined."),
    "4100000000000019": ("card_declined", "fraudulent", "Your card was declined."),
    # Stripe answers this card's failed postal-code check with a decline when the account's
    # Radar rules block on it, as Portico's documentation asks businesses to set up.
    "4000000000000036": ("incorrect_zip", "incorrect_zip", "Your card's zip code is incorrect."),
    "4000000000000119": (
        "processing_error",
        "processing_error",
        "An error occurred while processing your card. Try again in a little bit.",
    ),
}
AUTHENTICATED_AT_SETUP = frozenset({"4000002500003155"})
SETUP_DECLINES = frozenset({"4000000000000002", "4242424242424241", "4000000000000069"})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _patch_resources() -> None:
    resources.Store.dump_to_disk = lambda self: None  # type: ignore[method-assign]
    resources.Store.try_load_from_disk = lambda self: None  # type: ignore[method-assign]

    pm_cls = resources.PaymentMethod
    pm_cls._charging_is_declined = lambda self: (  # type: ignore[attr-defined]
        self.type == "card" and self._card_number in CHARGE_DECLINES
    )
    pm_cls._attaching_is_declined = lambda self: (  # type: ignore[attr-defined]
        self.type == "card" and self._card_number in SETUP_DECLINES
    )

    original_pm_update = pm_cls._update

    def pm_update(self: Any, **data: Any) -> None:
        card = data.pop("card", None)
        if isinstance(card, dict):
            for key in ("exp_month", "exp_year"):
                if key in card:
                    self.card[key] = int(card[key])
        if data:
            original_pm_update(self, **data)

    pm_cls._update = pm_update

    def set_auth_failure(self: Any) -> None:
        method = resources.PaymentMethod._api_retrieve(self.payment_method)
        code, decline, message = CHARGE_DECLINES.get(
            getattr(method, "_card_number", ""),
            ("card_declined", "generic_decline", "Your card was declined."),
        )
        self.status = "failed"
        self.failure_code = code
        self.failure_message = message
        self._decline_code = decline

    resources.Charge._set_auth_failure = set_auth_failure

    pi_cls = resources.PaymentIntent
    original_init = pi_cls.__init__

    def pi_init(
        self: Any,
        *args: Any,
        description: Any = None,
        automatic_payment_methods: Any = None,
        **kwargs: Any,
    ) -> None:
        original_init(self, *args, **kwargs)
        self.description = description
        self.automatic_payment_methods = automatic_payment_methods

    pi_cls.__init__ = pi_init

    si_cls = resources.SetupIntent
    original_si_init = si_cls.__init__

    def si_init(
        self: Any, *args: Any, automatic_payment_methods: Any = None, **kwargs: Any
    ) -> None:
        original_si_init(self, *args, **kwargs)
        self.automatic_payment_methods = automatic_payment_methods

    si_cls.__init__ = si_init

    def last_payment_error(self: Any) -> dict[str, Any] | None:
        if self._authentication_failed:
            return {
                "code": "payment_intent_authentication_failure",
                "message": "The provided PaymentMethod has failed authentication.",
            }
        charge = self.latest_charge
        if charge is not None and charge.status == "failed":
            return {
                "charge": charge.id,
                "code": charge.failure_code,
                "decline_code": getattr(charge, "_decline_code", None),
                "message": charge.failure_message,
            }
        return None

    pi_cls.last_payment_error = property(last_payment_error)

    original_report = pi_cls._report_failure

    def report_failure(self: Any) -> None:
        try:
            original_report(self)
        except UserError as exc:
            exc.body["error"]["type"] = "card_error"
            exc.body["error"]["decline_code"] = getattr(self.latest_charge, "_decline_code", None)
            exc.body["error"]["payment_intent"] = self._export()
            raise

    pi_cls._report_failure = report_failure

    # Stripe's 4000 0025 0000 3155 asks for 3-D Secure on session, but not for an off-session
    # charge once it was authenticated when set up; localstripe asks every time.
    original_create = pi_cls._api_create.__func__
    original_confirm = pi_cls._confirm
    off_session_now: dict[str, bool] = {"value": False}

    def pi_create(cls: Any, confirm: Any = None, off_session: Any = None, **data: Any) -> Any:
        off_session_now["value"] = str(off_session).lower() == "true"
        try:
            return original_create(cls, confirm=confirm, off_session=off_session, **data)
        finally:
            off_session_now["value"] = False

    def pi_confirm(self: Any, on_failure_now: Any) -> None:
        method = resources.PaymentMethod._api_retrieve(self.payment_method)
        exempt = getattr(method, "_card_number", "") in AUTHENTICATED_AT_SETUP
        if off_session_now["value"] and method.customer and exempt:
            self._authentication_failed = False
            self._create_charge(on_failure_now=on_failure_now)
            return
        original_confirm(self, on_failure_now)

    pi_cls._api_create = classmethod(pi_create)
    pi_cls._confirm = pi_confirm


def _search(request: web.Request) -> web.Response:
    query = request.query.get("query", "")
    match = re.fullmatch(r"metadata\['([^']+)'\]:'([^']*)'", query.strip())
    if match is None:
        raise UserError(400, "Only metadata['key']:'value' queries are supported here.")
    key, value = match.groups()
    found = [
        obj._export()
        for name, obj in list(resources.store.items())
        if name.startswith("payment_intent:") and (obj.metadata or {}).get(key) == value
    ]
    found.sort(key=lambda intent: intent["created"], reverse=True)
    body = {
        "object": "search_result",
        "url": "/v1/payment_intents/search",
        "has_more": False,
        "next_page": None,
        "data": found[: int(request.query.get("limit", "10"))],
    }
    return server.json_response(body)


def _make_idempotency() -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    seen: dict[tuple[str, str, str], tuple[int, str]] = {}

    @web.middleware
    async def idempotency(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method == "GET" and request.path == "/v1/payment_intents/search":
            return _search(request)
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or not key:
            return await handler(request)
        slot = (request.headers.get("Authorization", ""), request.path, key)
        if slot in seen:
            status, text = seen[slot]
            response = web.Response(status=status, text=text, content_type="application/json")
            response.headers["Idempotent-Replayed"] = "true"
            return response
        try:
            response = await handler(request)
        except UserError as exc:
            response = exc.to_response()
        if isinstance(response, web.Response) and response.status < 500:
            seen[slot] = (response.status, response.text or "")
        return response

    return idempotency


def _restrict_keys(allowed: set[str]) -> None:
    original = server.get_api_key

    def get_api_key(request: web.Request) -> str | None:
        key = original(request)
        return key if key in allowed else None

    server.get_api_key = get_api_key


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    _patch_resources()
    allowed = {k for k in os.environ.get("LOCALSTRIPE_SECRET_KEYS", "").split(",") if k}
    if allowed:
        _restrict_keys(allowed)
    server.app.middlewares.append(_make_idempotency())
    print(json.dumps({"listening": args.port}), flush=True)
    web.run_app(server.app, host="127.0.0.1", port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
