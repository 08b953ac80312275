"""Every single-line field of every form and API body: bidi controls removed, line breaks refused.

The walk finds its forms itself, so a new one is covered the day it is written:
- every form class defined in Portico's own modules (portal, back office, documents, accounts…);
- every back-office screen's add and change form, and its inlines' forms, from the admin site;
- every request body and query of the API, from its operations (what the OpenAPI document shows).

A single-line field is one typed in a text input (text, email, URL, search, date…; not a
password, a hidden field or a textarea). Posted with a right-to-left override and an isolate,
it either comes back without them or is refused; posted with a line break, it is refused.
"""

from __future__ import annotations

import importlib
import pkgutil
import uuid
from collections.abc import Callable, Iterator
from typing import Any, get_args, get_origin

import pytest
from django import forms
from django.forms.utils import ErrorDict
from django.test import RequestFactory
from pydantic import BaseModel, TypeAdapter

import portico
from portico.accounts.models import Membership, User
from portico.api.main import api
from portico.backoffice.sites import site
from portico.contacts.models import Contact
from portico.orgs.models import Organisation
from tests.api.conftest import Api, portal_token
from tests.tenancy import ROW_MAKERS

pytestmark = pytest.mark.django_db

BIDI = "Ada\u202eLove\u2066lace\u2069"
BREAK = "Ada\nBcc: someone@example.com"
SHORT_BREAK = "A\nb"  # within every API length limit, so the break is what is refused
INVISIBLE = ("\u202e", "\u2066", "\u2069")

# Forms whose constructor needs more than data; a new one fails below until it is added here.
ARGUMENTS: dict[str, Callable[[Organisation], dict[str, Any]]] = {
    "portico.backoffice.forms.SendForm": lambda org: {"persons": []},
    "portico.backoffice.forms.StatementEmailForm": lambda org: {"persons": []},
    "portico.backoffice.forms.StaffPasswordChangeForm": lambda org: {"user": User()},
    "portico.portal.forms.SetPasswordForm": lambda org: {"user": User()},
    "portico.portal.forms.PasswordChangeForm": lambda org: {"user": User()},
    "portico.portal.payments.forms.PayForm": lambda org: {"methods": [], "allow_bank": False},
}
SKIPPED_MODULES = ("portico.devdata",)
# Unfold builds it for a list filter (a select of customers): nothing typed.
SKIPPED_FORMS = {"portico.backoffice.admin.payments.CustomerAutocompleteForm"}


def _import_everything() -> None:
    for module in pkgutil.walk_packages(portico.__path__, "portico."):
        if ".migrations" in module.name or module.name.startswith(SKIPPED_MODULES):
            continue
        if module.name.endswith(("__main__", "wsgi", "asgi")):
            continue
        importlib.import_module(module.name)


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def admin_form_classes() -> set[type]:
    """The forms the admin builds its screens from (walked below, as the admin builds them)."""
    found: set[type] = set()
    for model_admin in site._registry.values():
        found.add(model_admin.form)
        found.update(inline.form for inline in model_admin.inlines)
    return found


def portico_forms() -> list[type[forms.BaseForm]]:
    _import_everything()
    walked_with_the_admin = admin_form_classes()
    found = {
        f"{form.__module__}.{form.__qualname__}": form
        for form in _subclasses(forms.BaseForm)
        if form.__module__.startswith("portico.")
        and "<locals>" not in form.__qualname__
        and form not in walked_with_the_admin
        # a model form without its model is a base for the admin's, walked with the admin
        and not (issubclass(form, forms.BaseModelForm) and form._meta.model is None)
    }
    return [found[name] for name in sorted(found) if name not in SKIPPED_FORMS]


def typed_fields(form: forms.BaseForm) -> list[str]:
    return [
        name
        for name, field in form.fields.items()
        if isinstance(field.widget, forms.TextInput) and not field.disabled
    ]


def post(form_class: type[forms.BaseForm], name: str, value: str, **kwargs: Any) -> Any:
    """Bind one field's value and clean the fields (not the whole form: the other fields are
    missing on purpose); the field's error, else its cleaned value."""
    form = form_class(data={name: value}, **kwargs)
    form.cleaned_data = {}
    form._errors = ErrorDict()
    form._clean_fields()  # type: ignore[attr-defined]
    if name in form._errors:
        return form._errors[name]
    return form.cleaned_data.get(name)


def offences(form_class: type[forms.BaseForm], **kwargs: Any) -> list[str]:
    found = []
    for name in typed_fields(form_class(**kwargs)):
        cleaned = post(form_class, name, BIDI, **kwargs)
        if isinstance(cleaned, str) and any(char in cleaned for char in INVISIBLE):
            found.append(f"{name}: kept a bidi control ({cleaned!r})")
        refused = post(form_class, name, BREAK, **kwargs)
        if not isinstance(refused, forms.utils.ErrorList):
            found.append(f"{name}: accepted a line break ({refused!r})")
    return found


FORMS = portico_forms()


def test_the_walk_finds_the_forms_of_the_portal_and_the_back_office() -> None:
    modules = {form.__module__.split(".")[1] for form in FORMS}
    assert {"portal", "backoffice", "documents"} <= modules
    assert any(form.__name__ == "CompanyForm" for form in FORMS)


@pytest.mark.parametrize("form_class", FORMS, ids=lambda f: f"{f.__module__}.{f.__qualname__}")
def test_every_forms_single_line_fields_drop_bidi_controls_and_refuse_line_breaks(
    form_class: type[forms.BaseForm], org: Organisation
) -> None:
    name = f"{form_class.__module__}.{form_class.__qualname__}"
    kwargs = ARGUMENTS[name](org) if name in ARGUMENTS else {}
    try:
        form_class(**kwargs)
    except TypeError as error:
        pytest.fail(f"{name} needs arguments ({error}): add it to ARGUMENTS in this file")
    found = offences(form_class, **kwargs)
    assert not found, "\n".join(found)


def staff_request(org: Organisation) -> Any:
    owner = Membership.objects.select_related("user").get(
        organisation=org, role=Membership.Role.OWNER
    )
    request = RequestFactory().get("/admin/")
    request.user = owner.user
    request.organisation = org  # type: ignore[attr-defined]
    request.membership = owner  # type: ignore[attr-defined]
    return request


def admin_forms(request: Any, model: type, obj: Any) -> Iterator[tuple[str, type]]:
    model_admin = site._registry[model]
    change = obj is not None
    allowed = (
        model_admin.has_change_permission(request, obj)
        if change
        else model_admin.has_add_permission(request)
    )
    if not allowed:
        return
    yield "form", model_admin.get_form(request, obj, change=change)
    for inline in model_admin.get_inline_instances(request, obj):
        formset = inline.get_formset(request, obj)
        yield type(inline).__name__, formset.form


@pytest.mark.parametrize("model", list(site._registry), ids=lambda m: m.__name__)
@pytest.mark.parametrize("change", [False, True], ids=["add", "change"])
def test_every_back_office_screens_single_line_fields_drop_bidi_and_refuse_line_breaks(
    model: type, change: bool, org: Organisation, owner: User
) -> None:
    request = staff_request(org)
    obj = ROW_MAKERS[model](org) if change else None
    found = {
        where: problems
        for where, form_class in admin_forms(request, model, obj)
        if (problems := offences(form_class))
    }
    assert not found, found


def test_a_staff_user_cannot_give_a_customer_a_disguised_name(
    owner_client: Any, org: Organisation
) -> None:
    form = {
        "currency": "USD",
        "payment_terms_days": "30",
        "language": "en",
        "persons-TOTAL_FORMS": "0",
        "persons-INITIAL_FORMS": "0",
        "persons-MIN_NUM_FORMS": "0",
        "persons-MAX_NUM_FORMS": "1000",
    }
    # when staff add a customer whose name carries a right-to-left override and one with a break
    added = owner_client.post(
        "/admin/contacts/contact/add/", {**form, "display_name": f"Acme{INVISIBLE[0]}gpj.exe"}
    )
    refused = owner_client.post("/admin/contacts/contact/add/", {**form, "display_name": "A\nB"})
    # then the first is stored without the control, the second is refused on its field
    assert added.status_code == 302, added.content.decode()[:2000]
    assert Contact.objects.filter(organisation=org, display_name="Acmegpj.exe").exists()
    assert refused.status_code == 200
    assert "single line" in refused.content.decode()


# The API: every body and query model of every operation.


def _models_of(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in get_args(annotation):
        yield from _models_of(arg)


def api_operations() -> list[tuple[str, str, list[type[BaseModel]]]]:
    found = []
    for prefix, router in api._routers:
        for path, path_operation in router.path_operations.items():
            for operation in path_operation.operations:
                inputs = [
                    model
                    for params in operation.models
                    for field in params.model_fields.values()
                    for model in _models_of(field.annotation)
                ]
                if inputs:
                    for method in operation.methods:
                        found.append((method, f"{prefix}{path}", inputs))
    return found


def string_fields(
    model: type[BaseModel], at: tuple[Any, ...] = ()
) -> Iterator[tuple[tuple[Any, ...], type[BaseModel], str, dict[str, Any]]]:
    """(where in the body, model, field name, its JSON schema) of each string it takes."""
    schema = model.model_json_schema()
    for name, info in model.model_fields.items():
        key = info.alias or name
        nested = list(_models_of(info.annotation))
        if nested:
            inner_list = "list" in str(info.annotation)
            for inner in nested:
                yield from string_fields(inner, (*at, key, *([0] if inner_list else [])))
            continue
        prop = schema["properties"][key]
        for option in [prop, *prop.get("anyOf", [])]:
            if option.get("type") == "string":
                yield (*at, key), model, name, option
                break
            if option.get("type") == "array" and option["items"].get("type") == "string":
                yield (*at, key, 0), model, name, option["items"]
                break


def is_free_text(option: dict[str, Any]) -> bool:
    return not ({"format", "pattern", "enum", "const"} & set(option))


OPERATIONS = api_operations()
BODY_MODELS = sorted(
    {model for _, _, inputs in OPERATIONS for model in inputs},
    key=lambda m: f"{m.__module__}.{m.__qualname__}",
)


def test_the_walk_finds_the_apis_bodies() -> None:
    names = {model.__name__ for model in BODY_MODELS}
    assert {"ContactIn", "InvoiceIn", "CheckoutIn", "MessageIn", "AccountPatch"} <= names
    documented = api.get_openapi_schema()["components"]["schemas"]
    assert names <= set(documented)


@pytest.mark.parametrize("model", BODY_MODELS, ids=lambda m: f"{m.__module__}.{m.__qualname__}")
def test_every_api_input_string_is_single_line_or_declared_otherwise(
    model: type[BaseModel],
) -> None:
    problems = []
    for where, owner, name, option in string_fields(model):
        if not is_free_text(option):
            continue
        kind = option.get("x-text")
        if kind is None:
            problems.append(f"{'.'.join(map(str, where))}: declare SingleLine, MultiLine or Secret")
            continue
        if kind != "single-line":
            continue
        field = owner.model_fields[name]
        adapter: TypeAdapter[Any] = TypeAdapter(field.rebuild_annotation())
        many = get_origin(field.annotation) is list

        def wrap(value: str, many: bool = many) -> Any:
            return [value] if many else value

        if any(char in str(adapter.validate_python(wrap("A\u202eb\u2066c"))) for char in INVISIBLE):
            problems.append(f"{name}: kept a bidi control")
        try:
            adapter.validate_python(wrap(SHORT_BREAK))
        except ValueError:
            pass
        else:
            problems.append(f"{name}: accepted a line break")
    assert problems == []


def _body(where: tuple[Any, ...], value: Any, body: Any) -> Any:
    head, *rest = where
    if isinstance(head, int):
        body = body or [{}]
        body[0] = _body(tuple(rest), value, body[0]) if rest else value
        return body
    body = body or {}
    body[head] = _body(tuple(rest), value, body.get(head)) if rest else value
    return body


BODY_OPERATIONS = [
    (method, path, inputs)
    for method, path, inputs in OPERATIONS
    if method in {"POST", "PATCH", "PUT"}
    and any(
        is_free_text(option) and option.get("x-text") == "single-line"
        for model in inputs
        for *_, option in string_fields(model)
    )
]


@pytest.mark.parametrize(
    ("method", "path", "inputs"), BODY_OPERATIONS, ids=[f"{m} {p}" for m, p, _ in BODY_OPERATIONS]
)
def test_every_api_body_answers_a_line_break_with_a_422_naming_each_field(
    method: str,
    path: str,
    inputs: list[type[BaseModel]],
    org: Organisation,
    customer_a_person: Any,
    password: str,
) -> None:
    from portico.accounts import api_keys
    from tests.portal.conftest import enable_with_password

    # given a credential for the API the path belongs to
    if path.startswith("/books"):
        _key, token = api_keys.api_key_create(organisation=org, name="Walk")
    else:
        enable_with_password(customer_a_person, password)
        token = portal_token(org, customer_a_person, password)
    url = path.replace("{org}", org.slug)
    for parameter in ("contact_id", "person_id", "estimate_id", "approval_id"):
        url = url.replace(f"{{{parameter}}}", str(uuid.uuid4()))
    single = [
        where
        for model in inputs
        for where, _, _, option in string_fields(model)
        if is_free_text(option) and option.get("x-text") == "single-line"
    ]
    body: Any = {}
    for where in single:
        body = _body(where, SHORT_BREAK, body)

    # when every single-line field of the body carries a line break
    client = Api(token)
    if path.endswith("/auth/token"):
        client = Api()
    send = client.patch if method == "PATCH" else client.post
    response = send(url, body)

    # then the answer is a 422 naming each of them
    assert response.status_code == 422, response.content
    fields = response.json()["error"]["fields"]
    for where in single:
        name = ".".join(map(str, where))
        assert "single line" in fields.get(name, ""), (name, fields)
