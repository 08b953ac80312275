"""Online payment in the portal: pay one, several or all invoices, see the outcome, and
manage saved cards and bank accounts. Card and bank details are typed into the gateway's
own fields (an iframe); these views only ever receive a one-time token."""

from __future__ import annotations

from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portico.contacts.scope import Module, PortalScope
from portico.core.errors import DomainError, PortalFailure
from portico.core.money import format_money
from portico.orgs.models import GatewayAccount
from portico.payments import autopay, saved_methods
from portico.payments import portal_selectors as payment_selectors
from portico.payments.checkout import selectors, services
from portico.payments.gateways.base import BillingAddress, MethodKind
from portico.payments.models import Checkout
from portico.portal.pages.common import origin_of
from portico.portal.payments.forms import MethodEditForm, MethodTokenForm, PayForm
from portico.portal.scoping import portal_view
from portico.sales.models import Invoice


def _url(scope: PortalScope, name: str, **kwargs: object) -> str:
    return reverse(f"portal:{name}", kwargs={"org_slug": scope.organisation.slug, **kwargs})


def _pay_page(
    request: HttpRequest,
    scope: PortalScope,
    *,
    form: PayForm | None = None,
    error: DomainError | None = None,
    status: int = 200,
) -> HttpResponse:
    payable = list(selectors.payable_invoices_for_portal(scope=scope))
    pending = selectors.pending_invoice_ids(scope=scope)
    asked = (request.GET if form is None else request.POST).getlist("invoice")
    known = {str(i.public_id) for i in payable}
    chosen = [i for i in asked if i in known] or [
        str(i.public_id) for i in payable if i.pk not in pending
    ]
    chosen_invoices = [i for i in payable if str(i.public_id) in chosen]
    offered = selectors.gateways_offered_for_portal(
        scope=scope, invoices=chosen_invoices or payable
    )
    wanted = request.GET.get("gateway") if form is None else form.data.get("gateway")
    account = selectors.gateway_pick(offered, wanted)
    methods = [
        m
        for m in selectors.saved_methods_for_portal(scope=scope)
        if m.gateway_account_id in {a.pk for a in offered}
    ]
    allow_bank = scope.contact.allow_bank_debit
    if form is None or error is not None:
        default_method = next((f"saved:{m.public_id}" for m in methods if m.is_default), "card")
        initial = {
            "invoice": chosen,
            "method": form.data.get("method", default_method) if form else default_method,
            "amount": form.data.get("amount", "") if form else "",
            "key": services.new_key(),
            "gateway": str(account.public_id) if account else "",
            "seen": ";".join(f"{i.public_id}={i.balance_due}" for i in payable),
        }
        form = PayForm(initial=initial, invoices=payable, methods=methods, allow_bank=allow_bank)
    context = {
        "scope": scope,
        "form": form,
        "error": error,
        "account": account,
        "takes_payments": bool(offered) or selectors.gateway_account_for_portal(scope=scope),
        "gateway_links": _gateway_links(scope, offered, account, chosen),
        "separately": [] if offered else _separate_links(scope, chosen_invoices),
        "invoices": payable,
        "pending": pending,
        "total": sum((i.balance_due for i in payable if i.pk not in pending), services.ZERO),
        "unused_credit": payment_selectors.unused_credit_for_portal(scope=scope),
        "all_pending": bool(payable) and all(i.pk in pending for i in payable),
        "currency": scope.contact.currency,
        "hosted_fields": selectors.hosted_fields_urls(scope=scope, account=account),
        "requested_paid": bool(request.GET.getlist("invoice")) and not payable,
    }
    return render(request, "portal/payments/pay.html", context, status=status)


def _pay_url(scope: PortalScope, invoice_ids: list[str], **extra: str) -> str:
    query = urlencode([*(("invoice", i) for i in invoice_ids), *extra.items()])
    return f"{_url(scope, 'checkout')}?{query}"


def _gateway_links(
    scope: PortalScope,
    offered: list[GatewayAccount],
    account: GatewayAccount | None,
    chosen: list[str],
) -> list[tuple[GatewayAccount, str, bool]]:
    """The payment services to choose from, when the invoices offer more than one."""
    if len(offered) < 2:
        return []
    return [
        (a, _pay_url(scope, chosen, gateway=str(a.public_id)), account is not None and a == account)
        for a in offered
    ]


def _separate_links(scope: PortalScope, invoices: list[Invoice]) -> list[tuple[Invoice, str]]:
    """Invoices with no gateway in common: each can still be paid on its own."""
    if len(invoices) < 2:
        return []
    return [(i, _pay_url(scope, [str(i.public_id)])) for i in invoices]


@portal_view(module=Module.PAYMENTS, link=True)
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, scope: PortalScope) -> HttpResponse:
    if request.method == "GET":
        return _pay_page(request, scope)
    made = selectors.checkout_by_key_for_portal(scope=scope, key=request.POST.get("key", ""))
    if made is not None:
        return redirect(_url(scope, "checkout_detail", checkout_id=made.public_id))
    payable = list(selectors.payable_invoices_for_portal(scope=scope))
    methods = list(selectors.saved_methods_for_portal(scope=scope))
    form = PayForm(
        request.POST,
        invoices=payable,
        methods=methods,
        allow_bank=scope.contact.allow_bank_debit,
    )
    if not form.is_valid():
        if "invoice" in form.errors:
            # A chosen invoice is no longer payable (paid or voided meanwhile): ask again.
            return _pay_page(request, scope, form=form, error=services.AmountChanged(), status=409)
        return _pay_page(request, scope, form=form, status=400)
    data = form.cleaned_data
    invoices = selectors.invoices_chosen_for_portal(scope=scope, invoice_ids=data["invoice"])
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
            expected_balances=form.seen_balances(invoices),
            token=data["token"] if saved is None else "",
            method_kind=MethodKind.BANK if method == "bank" else MethodKind.CARD,
            saved_method=saved,
            # A document link pays once; it never keeps a card on the customer's account.
            save_method=data["save_method"] and not scope.is_link,
            account=account,
        )
    except services.AmountChanged as exc:
        return _pay_page(request, scope, form=form, error=exc, status=409)
    except (PortalFailure, DomainError) as exc:
        return _pay_page(request, scope, form=form, error=exc, status=400)
    return redirect(_url(scope, "checkout_detail", checkout_id=done.public_id))


@portal_view(module=Module.PAYMENTS)
@require_POST
def credit_apply(request: HttpRequest, scope: PortalScope) -> HttpResponse:
    invoices = selectors.invoices_chosen_for_portal(
        scope=scope, invoice_ids=request.POST.getlist("invoice")
    )
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
    context = {
        "scope": scope,
        "checkout": done,
        "items": selectors.checkout_items(checkout=done),
        "receipt_url": "" if scope.is_link else _receipt_url(scope, done),
        "document_url": _document_url(scope, done) if scope.is_link else "",
    }
    return render(request, "portal/payments/checkout.html", context)


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
