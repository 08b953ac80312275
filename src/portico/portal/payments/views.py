"""Online payment in the portal: pay one, several or all invoices, see the outcome, and
manage saved cards and bank accounts. Card and bank details are typed into the gateway's
own fields (an iframe); these views only ever receive a one-time token."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Page
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portico.contacts.scope import Module, PortalScope
from portico.core import ratelimit
from portico.core.errors import DomainError, PortalFailure
from portico.core.formats import format_money
from portico.orgs.models import GatewayAccount
from portico.payments import autopay, gateway_choice, saved_methods
from portico.payments import portal_selectors as payment_selectors
from portico.payments.checkout import selectors, services
from portico.payments.gateways.base import BillingAddress, MethodKind
from portico.payments.models import Checkout
from portico.portal.pages.common import origin_of
from portico.portal.payments import selection
from portico.portal.payments.forms import MethodEditForm, MethodTokenForm, PayForm
from portico.portal.scoping import portal_view
from portico.sales.models import Invoice
from portico.sales.portal_selectors import PAGE_SIZE


def _url(scope: PortalScope, name: str, **kwargs: object) -> str:
    return reverse(f"portal:{name}", kwargs={"org_slug": scope.organisation.slug, **kwargs})


PAGE_TICKS_MAX = 2 * PAGE_SIZE
"""A page posts the ids it shows and those ticked: never more than a page holds."""

AMOUNT_CODES = frozenset(
    {
        "invalid_amount",
        "non_positive_amount",
        "too_precise",
        "above_balance",
        "partial_payment_not_allowed",
    }
)
METHOD_CODES = frozenset(
    {"no_method", "bank_not_allowed", "foreign_method", "token_invalid", "token_used"}
)
INVOICE_CODES = frozenset(
    {
        "no_invoices",
        "amount_changed",
        "already_paid",
        "in_progress",
        "payment_pending",
        "gateway_not_offered",
        "no_common_gateway",
        "currency",
    }
)


def _place_of(error: DomainError) -> str:
    """Where the page shows a refusal: next to what caused it."""
    if error.code in AMOUNT_CODES:
        return "amount"
    if error.code in METHOD_CODES:
        return "method"
    if error.code in INVOICE_CODES or error.code.startswith("invoice_"):
        return "invoices"
    return "pay"


def _int(value: str | None, default: int = 1) -> int:
    try:
        return max(1, int(value or default))
    except ValueError:
        return default


def _pay_page(
    request: HttpRequest,
    scope: PortalScope,
    *,
    choice: selectors.Choice,
    posted: PayForm | None = None,
    error: DomainError | None = None,
    status: int = 200,
) -> HttpResponse:
    source = request.GET if posted is None else request.POST
    search = source.get("q", "")
    shown = selectors.pay_page_for_portal(
        scope=scope, choice=choice, search=search, page=_int(source.get("page"))
    )
    chosen_invoices = selectors.chosen_for_portal(scope=scope, choice=choice, usable=shown.usable)
    usable_ids = {a.pk for a in shown.usable}
    if shown.chosen.count:
        offered = [
            a
            for a in selectors.gateways_offered_for_portal(scope=scope, invoices=chosen_invoices)
            if a.pk in usable_ids
        ]
    else:
        offered = list(shown.usable)
    wanted = request.GET.get("gateway") if posted is None else posted.data.get("gateway")
    account = selectors.gateway_pick(offered, wanted)
    methods = [
        m
        for m in selectors.saved_methods_for_portal(scope=scope)
        if m.gateway_account_id in {a.pk for a in offered}
    ]
    allow_bank = scope.contact.allow_bank_debit
    place = _place_of(error) if error is not None else ""
    if posted is None:
        default_method = next((f"saved:{m.public_id}" for m in methods if m.is_default), "card")
        initial = {
            "method": default_method,
            "key": services.new_key(),
            "gateway": str(account.public_id) if account else "",
            "digest": shown.chosen.digest,
        }
        form = PayForm(initial=initial, methods=methods, allow_bank=allow_bank)
    else:
        # The same answers again, for what is chosen now: a new key, no used token.
        data = request.POST.copy()
        data.update(
            {
                "key": services.new_key(),
                "token": "",
                "digest": shown.chosen.digest,
                "gateway": str(account.public_id) if account else "",
            }
        )
        form = PayForm(data, methods=methods, allow_bank=allow_bank)
        form.is_valid()
        if error is not None and place in ("amount", "method"):
            form.add_error(place, error.message)
    offline = (
        ""
        if shown.usable
        else gateway_choice.offline_reason(
            organisation=scope.organisation, currency=scope.contact.currency
        )
    )
    separately: list[tuple[Invoice, str]] = []
    if shown.chosen.count and not offered:
        separately = _separate_links(scope, list(chosen_invoices[: SEPARATE_MAX + 1]))
    context = {
        "scope": scope,
        "form": form,
        "error": error if place in ("invoices", "pay") else None,
        "error_place": place,
        "account": account,
        "offered": offered,
        "offline": offline,
        "takes_payments": bool(shown.usable),
        "gateway_links": _gateway_links(scope, offered, account),
        "separately": separately,
        "too_many_to_list": shown.chosen.count > SEPARATE_MAX,
        "rows": shown.rows,
        "row_items": [(i, choice.has(str(i.public_id))) for i in shown.rows],
        "shown_ids": [
            str(i.public_id) for i in shown.rows if not i.payment_state and i.offered_online
        ],
        "chosen": shown.chosen,
        "open_count": shown.open_count,
        "open_total": shown.open_total,
        "search": shown.search,
        "page_urls": _page_urls(scope, shown.rows, shown.search),
        # A "Pay now" link for invoices paid, voided or being paid since it was shown.
        "requested_gone": posted is None and "invoice" in request.GET and not shown.chosen.count,
        "unused_credit": payment_selectors.unused_credit_for_portal(scope=scope),
        "currency": scope.contact.currency,
        "hosted_fields": selectors.hosted_fields_urls(scope=scope, account=account),
    }
    return render(request, "portal/payments/pay.html", context, status=status)


SEPARATE_MAX = 10


def _pay_url(
    scope: PortalScope, invoice_ids: list[str] | None = None, extra: Mapping[str, str] | None = None
) -> str:
    query = urlencode([*(("invoice", i) for i in invoice_ids or []), *(extra or {}).items()])
    return f"{_url(scope, 'checkout')}?{query}" if query else _url(scope, "checkout")


def _page_urls(scope: PortalScope, rows: Page, search: str) -> dict[str, str]:
    extra = {"q": search} if search else {}
    urls = {}
    if rows.has_previous():
        urls["previous"] = _pay_url(
            scope, extra={"page": str(rows.previous_page_number()), **extra}
        )
    if rows.has_next():
        urls["next"] = _pay_url(scope, extra={"page": str(rows.next_page_number()), **extra})
    return urls


def _gateway_links(
    scope: PortalScope,
    offered: list[GatewayAccount],
    account: GatewayAccount | None,
) -> list[tuple[GatewayAccount, str, bool]]:
    """The payment services to choose from, when the chosen invoices offer more than one."""
    if len(offered) < 2:
        return []
    return [
        (
            a,
            _pay_url(scope, extra={"gateway": str(a.public_id)}),
            account is not None and a == account,
        )
        for a in offered
    ]


def _separate_links(scope: PortalScope, invoices: list[Invoice]) -> list[tuple[Invoice, str]]:
    """Invoices with no gateway in common: each can still be paid on its own."""
    if len(invoices) < 2 or len(invoices) > SEPARATE_MAX:
        return []
    return [(i, _pay_url(scope, [str(i.public_id)])) for i in invoices]


def _ticks_of_page(request: HttpRequest, scope: PortalScope) -> selectors.Choice:
    """Save the ticks the posted page showed (no more than a page's worth) into the choice."""
    shown = [
        public_id
        for value in request.POST.getlist("shown")[:PAGE_TICKS_MAX]
        for public_id in value.split(",")[:PAGE_TICKS_MAX]
        if public_id
    ][:PAGE_TICKS_MAX]
    if not shown:
        return selection.choice_get(request.session, scope)
    return selection.choose_on_page(
        request.session,
        scope,
        shown=shown,
        ticked=request.POST.getlist("invoice")[:PAGE_TICKS_MAX],
    )


@portal_view(module=Module.PAYMENTS, link=True)
@require_http_methods(["GET", "POST"])
@ratelimit.limited("checkout")
@sensitive_post_parameters()  # a server error's report never shows them
def pay(request: HttpRequest, scope: PortalScope) -> HttpResponse:
    if request.method == "GET":
        if "invoice" in request.GET:
            choice = selection.choose_only(
                request.session, scope, request.GET.getlist("invoice")[:PAGE_TICKS_MAX]
            )
        elif request.GET.get("all"):
            choice = selection.choose_all(request.session, scope)
        else:
            choice = selection.choice_get(request.session, scope)
        return _pay_page(request, scope, choice=choice)
    made = selectors.checkout_by_key(scope=scope, key=request.POST.get("key", ""))
    if made is not None:
        return redirect(_url(scope, "checkout_detail", checkout_id=made.public_id))
    choice = _ticks_of_page(request, scope)
    methods = list(selectors.saved_methods_for_portal(scope=scope))
    form = PayForm(request.POST, methods=methods, allow_bank=scope.contact.allow_bank_debit)
    if not form.is_valid():
        error: DomainError | None = None
        if "digest" in form.errors or "key" in form.errors:
            error = services.AmountChanged()
        return _pay_page(request, scope, choice=choice, posted=form, error=error, status=400)
    data = form.cleaned_data
    usable = gateway_choice.usable_accounts(
        organisation=scope.organisation, currency=scope.contact.currency
    )
    invoices = list(
        selectors.chosen_for_portal(scope=scope, choice=choice, usable=usable).select_related(
            "recurring_profile"
        )
    )
    if not invoices:
        refused = services.CheckoutRefused(
            _("Choose at least one invoice to pay."), code="no_invoices"
        )
        return _pay_page(request, scope, choice=choice, posted=form, error=refused, status=400)
    account = selectors.gateway_get_for_portal(scope=scope, gateway_id=data["gateway"])
    method = data["method"]
    saved = None
    if method.startswith("saved:"):
        saved = selectors.saved_method_get_for_portal(scope=scope, method_id=method[6:])
    try:
        done = services.checkout_start(
            scope=scope,
            invoices=invoices,
            idempotency_key=data["key"],
            amount=data["amount"] or None,
            expected_digest=data["digest"],
            token=data["token"] if saved is None else "",
            method_kind=MethodKind.BANK if method == "bank" else MethodKind.CARD,
            saved_method=saved,
            # A document link pays once; it never keeps a card on the customer's account.
            save_method=data["save_method"] and not scope.is_link,
            account=account,
        )
    except services.AmountChanged as exc:
        return _pay_page(request, scope, choice=choice, posted=form, error=exc, status=409)
    except (PortalFailure, DomainError) as exc:
        return _pay_page(request, scope, choice=choice, posted=form, error=exc, status=400)
    selection.choose_all(request.session, scope)
    return redirect(_url(scope, "checkout_detail", checkout_id=done.public_id))


@portal_view(module=Module.PAYMENTS, link=True)
@require_POST
def pay_choose(request: HttpRequest, scope: PortalScope) -> HttpResponse:
    """Change which invoices are chosen: the ticks of one page, or all, or none. Answers the
    chosen count, total and digest as JSON to the page's script, else goes back to the page."""
    action = request.POST.get("action", "")
    if action == "all":
        choice = selection.choose_all(request.session, scope)
    elif action == "none":
        choice = selection.choose_none(request.session, scope)
    else:
        choice = _ticks_of_page(request, scope)
    if "application/json" in request.headers.get("Accept", ""):
        usable = gateway_choice.usable_accounts(
            organisation=scope.organisation, currency=scope.contact.currency
        )
        chosen = selectors.chosen_summary(
            selectors.chosen_for_portal(scope=scope, choice=choice, usable=usable)
        )
        return JsonResponse(
            {
                "count": chosen.count,
                "total": format_money(chosen.total, scope.contact.currency),
                "full_only": chosen.full_only,
                "digest": chosen.digest,
            }
        )
    back = {k: v for k in ("q", "page") if (v := request.POST.get(k, ""))}
    return redirect(_pay_url(scope, extra=back))


@portal_view(module=Module.PAYMENTS)
@require_POST
def credit_apply(request: HttpRequest, scope: PortalScope) -> HttpResponse:
    choice = _ticks_of_page(request, scope)
    usable = gateway_choice.usable_accounts(
        organisation=scope.organisation, currency=scope.contact.currency
    )
    invoices = list(selectors.chosen_for_portal(scope=scope, choice=choice, usable=usable))
    try:
        applied = services.checkout_credit_apply(scope=scope, invoices=invoices)
    except DomainError as exc:
        messages.error(request, _message(exc))
    else:
        if applied:
            messages.success(
                request,
                _("%(amount)s of your credit was applied.")
                % {"amount": format_money(applied, scope.contact.currency)},
            )
        else:
            messages.info(request, _("No credit could be applied to these invoices."))
    return redirect(_url(scope, "checkout"))


@portal_view(module=Module.PAYMENTS, link=True)
@require_GET
def checkout_detail(request: HttpRequest, scope: PortalScope, checkout_id: UUID) -> HttpResponse:
    done = selectors.checkout_get_for_portal(scope=scope, checkout_id=checkout_id)
    action = services.checkout_customer_action(checkout=done)
    context = {
        "scope": scope,
        "checkout": done,
        "action": action,
        "items": selectors.checkout_items(checkout=done),
        "receipt_url": "" if scope.is_link else _receipt_url(scope, done),
        "document_url": _document_url(scope, done) if scope.is_link else "",
    }
    response = render(request, "portal/payments/checkout.html", context)
    if action is not None:
        # The gateway's script (Stripe.js) runs the bank's authentication on this page.
        response._csp_update = dict(action.csp)  # type: ignore[attr-defined]
    return response


@portal_view(module=Module.PAYMENTS, link=True)
@require_POST
def checkout_authenticated(
    request: HttpRequest, scope: PortalScope, checkout_id: UUID
) -> HttpResponse:
    """The checkout page's script is done with the bank's authentication: settle from the
    gateway and show the outcome."""
    done = selectors.checkout_get_for_portal(scope=scope, checkout_id=checkout_id)
    services.checkout_after_action(checkout=done)
    return redirect(_url(scope, "checkout_detail", checkout_id=done.public_id))


def _document_url(scope: PortalScope, done: Checkout) -> str:
    """Back to the link's invoice (a link visitor sees no payments list or receipt page)."""
    return _url(scope, "invoice_detail", invoice_id=scope.document_id)


def _receipt_url(scope: PortalScope, done: Checkout) -> str:
    """The payment's receipt page (the portal pages' own)."""
    if done.payment is None:
        return ""
    return _url(scope, "payment_detail", payment_id=done.payment.public_id)


# --- saved methods -------------------------------------------------------------------------------


@portal_view(module=Module.PAYMENTS)
@require_GET
def methods(request: HttpRequest, scope: PortalScope) -> HttpResponse:
    account = selectors.gateway_account_for_portal(scope=scope)
    today = timezone.localdate()
    rows = [
        (m, selectors.is_expired(m, today)) for m in selectors.saved_methods_for_portal(scope=scope)
    ]
    context = {
        "scope": scope,
        "rows": rows,
        "autopay_profiles": list(selectors.autopay_profiles_for_portal(scope=scope)),
        "autopay_default": next((m for m, expired in rows if m.is_default and not expired), None),
        "may_turn_off_autopay": autopay.customers_may_turn_off(scope.organisation),
        "account": account,
        "hosted_fields": selectors.hosted_fields_urls(scope=scope, account=account),
        "form": MethodTokenForm(),
    }
    return render(request, "portal/payments/methods.html", context)


@portal_view(module=Module.PAYMENTS)
@require_POST
@sensitive_post_parameters()  # a server error's report never shows them
def method_add(request: HttpRequest, scope: PortalScope) -> HttpResponse:
    form = MethodTokenForm(request.POST)
    account = selectors.gateway_account_for_portal(scope=scope)
    if not form.is_valid() or account is None:
        messages.error(request, _("Enter your card or bank details first."))
        return redirect(_url(scope, "saved_methods"))
    try:
        saved_methods.saved_method_add(
            scope=scope, account=account, token=form.cleaned_data["token"]
        )
    except DomainError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("Saved."))
    return redirect(_url(scope, "saved_methods"))


@portal_view(module=Module.PAYMENTS)
@require_POST
def method_default(request: HttpRequest, scope: PortalScope, method_id: UUID) -> HttpResponse:
    method = selectors.saved_method_get_for_portal(scope=scope, method_id=method_id)
    saved_methods.saved_method_set_default(scope=scope, method=method)
    messages.success(request, _("%(method)s is now your default.") % {"method": method})
    return redirect(_url(scope, "saved_methods"))


@portal_view(module=Module.PAYMENTS)
@require_POST
def method_delete(request: HttpRequest, scope: PortalScope, method_id: UUID) -> HttpResponse:
    method = selectors.saved_method_get_for_portal(scope=scope, method_id=method_id)
    try:
        saved_methods.saved_method_delete(scope=scope, method=method)
    except DomainError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("%(method)s was removed.") % {"method": method})
    return redirect(_url(scope, "saved_methods"))


@portal_view(module=Module.PAYMENTS)
@require_http_methods(["GET", "POST"])
def method_edit(request: HttpRequest, scope: PortalScope, method_id: UUID) -> HttpResponse:
    method = selectors.saved_method_get_for_portal(scope=scope, method_id=method_id)
    initial = {
        "exp_month": method.exp_month,
        "exp_year": method.exp_year,
        **{name: getattr(method, f"billing_{name}") for name in saved_methods.BILLING_FIELDS},
    }
    form = MethodEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        billing = BillingAddress(
            **{name: data.get(name) or "" for name in saved_methods.BILLING_FIELDS if name in data}
        )
        try:
            saved_methods.saved_method_update(
                scope=scope,
                method=method,
                exp_month=data["exp_month"],
                exp_year=data["exp_year"],
                billing=billing,
            )
        except DomainError as exc:
            messages.error(request, _message(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect(_url(scope, "saved_methods"))
    status = 400 if request.method == "POST" else 200
    context = {"scope": scope, "method": method, "form": form}
    return render(request, "portal/payments/method_edit.html", context, status=status)


@portal_view(module=Module.PAYMENTS)
@require_POST
def autopay_off(request: HttpRequest, scope: PortalScope, profile_id: UUID) -> HttpResponse:
    profile = selectors.autopay_profile_get_for_portal(scope=scope, profile_id=profile_id)
    try:
        autopay.autopay_turn_off(scope=scope, profile=profile, origin=origin_of(request))
    except DomainError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(
            request,
            _("Autopay is off for “%(profile)s”. Its next invoices wait for you to pay them.")
            % {"profile": profile.name},
        )
    return redirect(_url(scope, "saved_methods"))


def _message(exc: DomainError) -> str:
    if isinstance(exc, PortalFailure):
        return f"{exc.code}: {exc.message}"
    return exc.message
