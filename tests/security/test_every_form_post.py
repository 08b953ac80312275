"""Every form of the portal and of the back office, posted over HTTP with bidi controls and
line breaks in its typed fields (issue 21, text hygiene).

`test_every_form` cleans each form class's fields directly; this walk goes the way a person
does. Every page comes from Django's resolver (a new page is walked the day it is added), is
opened as its person (the customer's person with full rights; the organisation's owner), and
each `<form method="post">` it shows is submitted as rendered (hidden values, selected options,
checked boxes, the admin's inline management forms) with CSRF checks on, changing only:

- every single-line field (a text, email, search, tel or URL input the person sees) to a line
  break, all in one post: the form comes back with an error on each of them (read from the
  re-rendered forms, by input name) and nothing typed is stored;
- every single-line field to a value laden with bidi controls and zero-width characters, and
  every textarea to the same: never a 500, and never a control stored in a single-line field;
  a field either refuses it (an error on itself, posted again without it) or is stored clean.

Each post runs in a savepoint rolled back after it, so every form starts from the same rows;
what a post stored is found by the marker typed in it, in every text column of Portico's models.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.apps import apps
from django.contrib.admin.helpers import AdminForm, InlineAdminFormSet
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.forms import BaseForm, BaseFormSet
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from portico.accounts.models import Membership
from portico.backoffice.sites import site
from portico.contacts import document_links
from portico.contacts import portal_tokens as tokens
from portico.contacts.models import Contact, ContactPerson
from portico.core.text import FSI, INVISIBLE, PDI
from portico.orgs.models import Organisation
from portico.payments.models import SavedMethod
from tests.accounts.factories import PASSWORD, MembershipFactory
from tests.contacts.factories import ContactFactory, ContactPersonFactory
from tests.gateways.conftest import CARD_DEFAULTS
from tests.gateways.factories import GatewayAccountFactory
from tests.orgs.factories import OrganisationFactory, TaxFactory
from tests.portal.conftest import enable_with_password, portal_login
from tests.projects.factories import ProjectFactory
from tests.sales import factories as sales
from tests.security.html_forms import Control, Form, forms_of
from tests.tenancy import ROW_MAKERS
from tests.tenancy.test_portal_urls import FOREIGN_IDS

pytestmark = pytest.mark.django_db

SIDES = {"portico.portal.urls": "portal", "portico.backoffice.urls": "backoffice"}
# Typed at the start of each value, to find where it was stored (rare enough in random keys).
MARKER = re.compile(r"zq\d{3}qz", re.IGNORECASE)


def bidi(marker: str) -> str:
    return f"{marker}\u202e\u2066gpj\u2069\u200b"


def keeps_a_control(text: str) -> bool:
    # FSI and PDI are what isolation (`core.text.fill`) writes around the typed parts of a
    # stored sentence; a typed value kept as typed would bring its override and LRI with it.
    return bool(INVISIBLE.search(text.replace(FSI, "").replace(PDI, "")))


def broken(marker: str) -> str:
    return f"{marker}\nLtd"


@dataclass(frozen=True)
class Page:
    side: str  # portal or backoffice
    name: str  # namespace:name
    keywords: tuple[str, ...]

    def __str__(self) -> str:
        return self.name


def pages() -> list[Page]:
    """Every named URL of the portal's and the back office's URLconfs, from the resolver."""
    found: list[Page] = []

    def walk(patterns: list[Any], namespace: str, side: str, keywords: tuple[str, ...]) -> None:
        for entry in patterns:
            own = tuple(entry.pattern.regex.groupindex)
            if isinstance(entry, URLResolver):
                conf = entry.urlconf_name
                inner = SIDES.get(getattr(conf, "__name__", str(conf)), side)
                walk(entry.url_patterns, entry.namespace or namespace, inner, keywords + own)
            elif isinstance(entry, URLPattern) and entry.name and side:
                found.append(Page(side, f"{namespace}:{entry.name}", keywords + own))

    walk(get_resolver().url_patterns, "", "", ())
    return found


PAGES = pages()
# Pages not opened, and why (a form without a typed field is opened but not posted: a button).
NOT_WALKED = {
    "admin:view_on_site": "a redirect to a row's own page on the site, which no model has",
    **{
        page.name: "a delete confirmation: one button, nothing typed"
        for page in PAGES
        if page.name.startswith("admin:") and page.name.endswith("_delete")
    },
    **{
        page.name: "a row's history: read-only"
        for page in PAGES
        if page.name.startswith("admin:") and page.name.endswith("_history")
    },
}
ADMIN_MODELS = {
    f"admin:{pattern.name}": model
    for model, model_admin in site._registry.items()
    for pattern in model_admin.urls
    if isinstance(pattern, URLPattern) and pattern.name
}


@dataclass
class World:
    """One organisation for the module: its owner, a customer's person with full portal
    rights, a sandbox gateway with a card saved and an open invoice (so the pay pages show
    their forms), and a project (a choice for the time entries' screens)."""

    org: Organisation
    person: ContactPerson
    method_id: Any = None  # a card the sandbox knows (the tenancy maker's is a row only)
    cookies: dict[str, SimpleCookie] = field(default_factory=dict)  # per side, signed in


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        org = OrganisationFactory(name="Forms Walk", slug="forms-walk")
        TaxFactory(organisation=org, name="VAT", is_default=True)
        owner = MembershipFactory(organisation=org, role=Membership.Role.OWNER).user
        customer = ContactFactory(organisation=org, display_name="Walked Customer")
        person = ContactPersonFactory(contact=customer, email="walk@customer.example")
        enable_with_password(person, PASSWORD, role=ContactPerson.PortalRole.FULL)
        person.refresh_from_db()
        account = GatewayAccountFactory(organisation=org)
        sales.invoice(customer, "120.00")
        ProjectFactory(contact=customer)  # a choice for the time entries' required project
        world = World(org, person)
        staff, customer_client = Client(), Client()
        staff.force_login(owner)
        assert portal_login(customer_client, org, person.email, PASSWORD).status_code == 302
        card = {**CARD_DEFAULTS, "number": "4242424242424242", "account": account.publishable_key}
        token = Client().post("/sandbox-gateway/v1/tokens", card).json()["token"]
        customer_client.post(f"/portal/{org.slug}/pay/methods/add", {"token": token})
        world.method_id = SavedMethod.objects.get(contact=customer).public_id
        world.cookies = {"backoffice": staff.cookies, "portal": customer_client.cookies}
        yield world
        transaction.set_rollback(True)


def _token(page: Page, world: World) -> str:
    """A live secret of the kind the page reads."""
    person = world.person
    if page.name == "portal:document_link":
        invoice = sales.invoice(person.contact)
        _link, secret = document_links.link_issue(
            person=person, kind="invoice", document_id=invoice.public_id
        )
        return secret
    purpose = {
        "portal:password_reset": tokens.Purpose.PASSWORD_RESET,
        "portal:email_confirm": tokens.Purpose.EMAIL_CHANGE,
    }.get(page.name, tokens.Purpose.INVITATION)
    return tokens.token_issue(person=person, purpose=purpose)[1]


def url_of(page: Page, world: World) -> str:
    """The page's URL, its keywords filled with rows of the world's organisation made by the
    tenancy walkers' makers (`ROW_MAKERS` for the admin, `FOREIGN_IDS` for the portal)."""
    values: dict[str, Any] = {}
    for keyword in page.keywords:
        if keyword == "org_slug":
            values[keyword] = world.org.slug
        elif keyword == "object_id":
            # A screen's own model; the admin's "view on site" redirect takes any (a customer).
            values[keyword] = ROW_MAKERS[ADMIN_MODELS.get(page.name, Contact)](world.org).pk
        elif keyword == "content_type_id":
            values[keyword] = ContentType.objects.get_for_model(Contact).pk
        elif keyword == "app_label":
            values[keyword] = "contacts"
        elif keyword == "contact_id":
            values[keyword] = world.person.contact.public_id
        elif keyword == "method_id":
            values[keyword] = world.method_id
        elif keyword == "token":
            values[keyword] = _token(page, world)
        elif keyword in FOREIGN_IDS:
            # The makers make a row of whichever person they are given: here, the walker's own.
            values[keyword] = FOREIGN_IDS[keyword].other_org(None, world.person)
        else:
            pytest.fail(f"{page} takes {keyword!r}: say in url_of how to fill it")
    return reverse(page.name, kwargs=values)


def _text_columns() -> list[tuple[type[models.Model], list[str]]]:
    found = []
    for model in apps.get_models():
        if not (model.__module__.startswith("portico.") or model is LogEntry):
            continue
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
        ]
        if names:
            found.append((model, names))
    return found


TEXT_COLUMNS = _text_columns()


def stored_texts() -> list[str]:
    """Every stored text (of Portico's models and the admin's history) holding a marker."""
    found = []
    for model, names in TEXT_COLUMNS:
        query = Q()
        for name in names:
            query |= Q(**{f"{name}__icontains": "zq"})
        for row in model._base_manager.filter(query).values_list(*names):
            found.extend(value for value in row if isinstance(value, str) and MARKER.search(value))
    return found


def _bound_forms(response: Any) -> Iterator[BaseForm]:
    contexts = response.context or []
    if not isinstance(contexts, list):
        contexts = [contexts]
    values = [v for context in contexts for d in context.dicts for v in d.values()]
    values += [item for v in values if isinstance(v, list | tuple) for item in v]
    for value in values:
        if isinstance(value, AdminForm):
            value = value.form
        elif isinstance(value, InlineAdminFormSet):
            value = value.formset
        if isinstance(value, BaseFormSet):
            yield from (form for form in value.forms if form.is_bound)
        elif isinstance(value, BaseForm) and value.is_bound:
            yield value


def field_errors(response: Any) -> dict[str, list[str]]:
    """The errors of the re-rendered forms, by the name their input is posted under."""
    errors: dict[str, list[str]] = {}
    for form in _bound_forms(response):
        for name, messages in form.errors.items():
            errors.setdefault(form.add_prefix(name), []).extend(messages)
    return errors


def typed(control: Control) -> bool:
    # The admin's blank inline row (__prefix__) is a template for its script, never read.
    return control.single_line and bool(control.name) and "__prefix__" not in control.name


FILLERS = {"email": "walker@example.com", "url": "https://example.com/walk", "tel": "+1 555 0100"}
INLINE_ROW = re.compile(r"-\d+-")


def filler(control: Control) -> str | None:
    """A plain valid value for an empty control the submission needs filled: a required one,
    or a number of an inline row (the row is typed into, so the rest of it must hold)."""
    if control.value or control.disabled or not control.name:
        return None
    inline = bool(INLINE_ROW.search(control.name))
    if control.type == "number" and (control.required or inline):
        return "1"
    if not control.required:
        return None
    if control.tag == "select":
        return next((value for value, _ in control.options if value), None)
    if "vDateField" in control.classes:
        return "2026-01-15"
    if typed(control):
        return FILLERS.get(control.type, "Walk")
    return None


def base_of(form: Form) -> dict[str, list[str]]:
    """The form as rendered, with what it needs filled in (`filler`)."""
    data = form.submission()
    for control in form.controls:
        selected = data.get(control.name, [""])
        if any(selected):
            continue
        value = filler(control)
        if value is not None:
            data[control.name] = [value]
    return data


@dataclass
class Post:
    client: Client
    url: str
    cookies: SimpleCookie

    def __call__(self, data: dict[str, list[str]]) -> tuple[Any, list[str]]:
        """The answer to `data` and what it stored with a marker, then rolled back."""
        self.client.cookies = copy.deepcopy(self.cookies)
        with transaction.atomic():
            response = self.client.post(self.url, data)
            stored = stored_texts()
            transaction.set_rollback(True)
        return response, stored


@dataclass
class Outcome:
    problems: list[str] = field(default_factory=list)
    stored_clean: list[str] = field(default_factory=list)  # fields whose bidi value was stored
    refused: list[str] = field(default_factory=list)  # fields that refused it


def check_form(post: Post, form: Form) -> Outcome:
    """How `form` answers line breaks and bidi controls in its typed fields."""
    outcome = Outcome()
    problems = outcome.problems
    base = base_of(form)
    fields = [c.name for c in form.controls if typed(c)]
    markers = {name: f"Zq{i:03d}Qz" for i, name in enumerate(fields)}
    areas = [c.name for c in form.controls if c.multi_line and c.name]

    def named(text: str) -> str:
        found = MARKER.search(text)
        owners = [n for n, m in markers.items() if found and m.lower() == found[0].lower()]
        return f"{owners[0] if owners else '?'}: {text!r}"

    # A break in every single-line field at once: each must come back with its own error.
    if fields:
        response, stored = post(base | {name: [broken(markers[name])] for name in fields})
        if response.status_code >= 500:
            problems.append(f"a line break answered {response.status_code}")
            return outcome
        errors = field_errors(response)
        if response.status_code in (301, 302, 303):
            problems.append(f"line breaks accepted (redirected to {response['Location']})")
        problems += [f"{name}: line break accepted" for name in fields if not errors.get(name)]
        problems += [f"line break stored in {named(text)}" for text in stored]

    # Bidi controls in every typed field and textarea; the fields refusing them (an error on
    # themselves) are posted again with their rendered value, until the form is saved or
    # refuses for another reason.
    pending = list(fields)
    with_areas = {name: [bidi("Zm")] for name in areas}
    while pending or with_areas:
        response, stored = post(
            base | with_areas | {name: [bidi(markers[name])] for name in pending}
        )
        with_areas = {}
        if response.status_code >= 500:
            problems.append(f"bidi controls answered {response.status_code}")
            return outcome
        problems += [f"bidi control stored in {named(t)}" for t in stored if keeps_a_control(t)]
        errors = field_errors(response)
        refused = [name for name in pending if errors.get(name)]
        outcome.refused += refused
        if not refused or response.status_code in (301, 302, 303):
            kept = " ".join(stored).lower()
            outcome.stored_clean = [n for n in pending if markers[n].lower() in kept]
            break
        pending = [name for name in pending if name not in refused]
    return outcome


def check_page(page: Page, world: World) -> list[tuple[str, Outcome]]:
    """Open `page` as its person and post each of its forms that has something to type."""
    client = Client(enforce_csrf_checks=True)
    client.cookies = copy.deepcopy(world.cookies[page.side])
    url = url_of(page, world)
    response = client.get(url)
    # A 404 is a page the walk could not reach: fill its keywords with rows it shows.
    assert response.status_code in (200, 302, 403, 405), (url, response.status_code)
    if response.status_code != 200 or "text/html" not in response["Content-Type"]:
        return []
    outcomes = []
    for form in forms_of(response.content.decode()):
        if not any(typed(c) or c.multi_line for c in form.controls):
            continue  # a button (sign out, delete, default method) or a file: nothing typed
        action = form.action or url
        post = Post(client, action, copy.deepcopy(client.cookies))
        outcomes.append((resolve(action.split("?")[0]).view_name, check_form(post, form)))
    return outcomes


WALKED = [page for page in PAGES if page.name not in NOT_WALKED]


@pytest.mark.parametrize("screen", WALKED, ids=str)
def test_every_form_refuses_line_breaks_and_stores_no_bidi_control(
    screen: Page, world: World
) -> None:
    problems = [
        f"form posting to {target}: {problem}"
        for target, outcome in check_page(screen, world)
        for problem in outcome.problems
    ]
    assert problems == [], f"{screen}:\n" + "\n".join(problems)


def test_the_walk_stores_what_it_types_without_the_controls(world: World) -> None:
    # given the customer's company page, their saved card's page and the staff's new customer
    pages = {page.name: page for page in PAGES}

    # when the walk posts them
    [(_, company)] = check_page(pages["portal:company_details"], world)
    [(_, card)] = check_page(pages["portal:saved_method_edit"], world)
    [(_, contact)] = check_page(pages["admin:contacts_contact_add"], world)

    # then the typed names were stored, cleaned, and the malformed values refused
    assert "display_name" in company.stored_clean and "website" in company.refused
    assert {"name", "line1", "city"} <= set(card.stored_clean) and "country" in card.refused
    assert "display_name" in contact.stored_clean and "email" in contact.refused


def test_the_pages_not_walked_exist() -> None:
    names = {page.name for page in PAGES}
    assert set(NOT_WALKED) <= names
