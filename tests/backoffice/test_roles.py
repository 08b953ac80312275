"""Roles on every admin screen: read-only looks, staff works with the books, owners and admins
change the settings. Walks every registered admin model and every admin URL."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import URLPattern, reverse

from portico.accounts.models import Membership, User
from portico.backoffice.sites import site
from portico.orgs.models import Organisation
from tests.accounts.factories import MembershipFactory
from tests.contacts.factories import ContactFactory
from tests.tenancy import ROW_MAKERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(org: Organisation) -> User:
    return MembershipFactory(
        organisation=org, role=Membership.Role.READ_ONLY, user__email="reader@studio-a.example"
    ).user


@pytest.fixture
def reader_client(reader: User) -> Client:
    client = Client()
    client.force_login(reader)
    return client


def every_admin_url() -> list[tuple[type, str, tuple[str, ...]]]:
    """(model, url name, its arguments) for every URL of every registered admin screen."""
    found = []
    for model, model_admin in site._registry.items():
        for pattern in model_admin.urls:
            if isinstance(pattern, URLPattern) and pattern.name:
                found.append((model, pattern.name, tuple(pattern.pattern.regex.groupindex)))
    return found


def url_for(url_name: str, arguments: tuple[str, ...], own: Any, org: Organisation) -> str:
    values = {
        "object_id": own.pk,
        "contact_id": ContactFactory(organisation=org).public_id,
    }
    return reverse(f"admin:{url_name}", kwargs={name: values[name] for name in arguments})


def as_member(role: str, org: Organisation) -> Any:
    request = RequestFactory().get("/admin/")
    request.membership = Membership(organisation=org, role=role)  # type: ignore[attr-defined]
    request.organisation = org  # type: ignore[attr-defined]
    request.user = User(email="someone@studio-a.example", is_staff=True)
    return request


def test_the_walk_reaches_every_kind_of_admin_url() -> None:
    names = {name for _, name, _ in every_admin_url()}
    for suffix in ("changelist", "add", "change", "delete", "history", "import", "export"):
        assert any(name.endswith(f"_{suffix}") for name in names), suffix


@pytest.mark.parametrize("model", list(site._registry), ids=lambda m: m.__name__)
def test_a_read_only_member_has_no_write_permission_and_no_action_on_any_screen(
    model: type, org: Organisation
) -> None:
    model_admin = site._registry[model]
    request = as_member(Membership.Role.READ_ONLY, org)
    own = ROW_MAKERS[model](org)

    assert model_admin.has_view_permission(request, own)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, own)
    assert not model_admin.has_delete_permission(request, own)
    assert model_admin.get_actions(request) == {}
    if hasattr(model_admin, "has_import_permission"):
        assert not model_admin.has_import_permission(request)
    for inline in model_admin.get_inline_instances(request, own):
        assert not inline.has_add_permission(request, own)
        assert not inline.has_change_permission(request, own)
        assert not inline.has_delete_permission(request, own)


@pytest.mark.parametrize("model", list(site._registry), ids=lambda m: m.__name__)
def test_a_read_only_member_sees_every_list_without_add_button_or_actions(
    model: type, reader_client: Client, org: Organisation
) -> None:
    ROW_MAKERS[model](org)
    opts = model._meta

    response = reader_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))

    assert response.status_code == 200
    assert response.context["has_add_permission"] is False
    assert response.context["action_form"] is None


@pytest.mark.parametrize(
    ("model", "url_name", "arguments"),
    [url for url in every_admin_url() if not url[1].endswith("_export")],
    ids=lambda value: value if isinstance(value, str) else getattr(value, "__name__", ""),
)
def test_a_read_only_members_post_is_refused_at_every_admin_url(
    model: type,
    url_name: str,
    arguments: tuple[str, ...],
    reader_client: Client,
    org: Organisation,
) -> None:
    # given a row of their own organisation
    own = ROW_MAKERS[model](org)
    url = url_for(url_name, arguments, own, org)

    # when a read-only member posts to the URL (a save, a delete, an action, an import)
    response = reader_client.post(
        url, {"action": "delete_selected", "_selected_action": [own.pk], "post": "yes"}
    )

    # then nothing is written
    assert response.status_code == 403, url
    assert type(own)._default_manager.filter(pk=own.pk).exists()


@pytest.mark.parametrize(
    ("model", "url_name"),
    [
        (model, name)
        for model, name, arguments in every_admin_url()
        if name.endswith(("_add", "_delete", "_import")) and set(arguments) <= {"object_id"}
    ],
    ids=lambda value: value if isinstance(value, str) else value.__name__,
)
def test_a_read_only_member_cannot_even_open_the_add_delete_and_import_pages(
    model: type, url_name: str, reader_client: Client, org: Organisation
) -> None:
    own = ROW_MAKERS[model](org)
    args = [own.pk] if url_name.endswith("_delete") else []

    response = reader_client.get(reverse(f"admin:{url_name}", args=args))

    assert response.status_code == 403


def test_a_read_only_member_cannot_post_to_the_staff_document_pages(
    reader_client: Client, org: Organisation
) -> None:
    from tests.sales import factories as make

    invoice = make.invoice(make.customer(org))
    kwargs = {"kind": "invoice", "public_id": invoice.public_id}

    assert (
        reader_client.get(reverse("backoffice_documents:print", kwargs=kwargs)).status_code == 200
    )
    assert (
        reader_client.post(reverse("backoffice_documents:send", kwargs=kwargs)).status_code == 403
    )
    assert (
        reader_client.post(reverse("backoffice_documents:upload", kwargs=kwargs)).status_code == 403
    )


def test_a_read_only_member_may_still_sign_out(reader_client: Client) -> None:
    response = reader_client.post(reverse("admin:logout"))

    assert response.status_code in {200, 302}
    assert "_auth_user_id" not in reader_client.session


# --- staff, admin, owner ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "books", "manage_settings"),
    [
        (Membership.Role.STAFF, True, False),
        (Membership.Role.ADMIN, True, True),
        (Membership.Role.OWNER, True, True),
        (Membership.Role.READ_ONLY, False, False),
    ],
)
def test_what_each_role_may_change(
    role: str, books: bool, manage_settings: bool, org: Organisation
) -> None:
    from portico.contacts.models import Contact
    from portico.orgs.models import GatewayAccount, Tax

    request = as_member(role, org)

    assert site._registry[Contact].has_add_permission(request) is books
    for model in (Organisation, Tax, GatewayAccount, Membership):
        assert site._registry[model].has_change_permission(request) is manage_settings, model


def test_staff_add_customers_but_not_taxes(teammate_client: Client) -> None:
    assert teammate_client.get(reverse("admin:contacts_contact_add")).status_code == 200
    assert teammate_client.get(reverse("admin:orgs_tax_add")).status_code == 403


# --- the team --------------------------------------------------------------------------------


def test_an_admin_neither_makes_owners_nor_changes_an_owner(
    org: Organisation, owner: User, teammate: User
) -> None:
    admin_user = MembershipFactory(organisation=org, role=Membership.Role.ADMIN).user
    client = Client()
    client.force_login(admin_user)
    teammate_membership = Membership.objects.get(user=teammate)
    owner_membership = Membership.objects.get(user=owner)
    change = "admin:accounts_membership_change"

    # an owner's membership is view-only for an admin
    response = client.post(reverse(change, args=[owner_membership.pk]), {"role": "staff"})
    owner_membership.refresh_from_db()
    assert response.status_code == 403
    assert owner_membership.role == Membership.Role.OWNER

    # and "owner" is not a role an admin can hand out
    form = client.get(reverse(change, args=[teammate_membership.pk])).context["adminform"].form
    assert Membership.Role.OWNER not in dict(form.fields["role"].choices)
    client.post(reverse(change, args=[teammate_membership.pk]), {"role": "owner"})
    teammate_membership.refresh_from_db()
    assert teammate_membership.role == Membership.Role.STAFF

    # an admin may make a teammate read-only
    client.post(reverse(change, args=[teammate_membership.pk]), {"role": "read_only"})
    teammate_membership.refresh_from_db()
    assert teammate_membership.role == Membership.Role.READ_ONLY


def test_nobody_changes_their_own_role(owner_client: Client, owner: User) -> None:
    own = Membership.objects.get(user=owner)

    response = owner_client.post(
        reverse("admin:accounts_membership_change", args=[own.pk]), {"role": "staff"}
    )

    own.refresh_from_db()
    assert response.status_code == 403
    assert own.role == Membership.Role.OWNER
