"""The wall between organisations at the back office's export and import URLs, walked over
every admin screen that has them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from import_export.admin import ExportMixin, ImportMixin

from portico.backoffice.sites import site
from portico.orgs.models import Organisation
from tests.tenancy import ROW_MAKERS

pytestmark = pytest.mark.django_db

EXPORTING = [m for m, a in site._registry.items() if isinstance(a, ExportMixin)]
IMPORTING = [m for m, a in site._registry.items() if isinstance(a, ImportMixin)]


def url(model: type, action: str) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}")


def test_the_walk_finds_the_spreadsheet_screens() -> None:
    names = {m.__name__ for m in EXPORTING}
    assert {"Contact", "Invoice", "Payment", "TimeEntry", "Item", "ContactPerson"} <= names
    assert {m.__name__ for m in IMPORTING} == {"Contact", "ContactPerson", "Item"}


@pytest.mark.parametrize("model", EXPORTING, ids=lambda m: m.__name__)
def test_an_export_never_holds_another_organisations_rows(
    model: type, owner_client: Client, org: Organisation, other_org: Organisation
) -> None:
    own = ROW_MAKERS[model](org)
    foreign = ROW_MAKERS[model](other_org)

    response = owner_client.post(url(model, "export"), {"format": "0", "resource": "0"})

    assert response.status_code == 200
    content = response.content.decode("utf-8-sig")
    assert str(own.public_id) in content
    assert str(foreign.public_id) not in content


@pytest.mark.parametrize("model", IMPORTING, ids=lambda m: m.__name__)
def test_an_import_naming_another_organisations_row_is_refused(
    model: type, owner_client: Client, other_org: Organisation
) -> None:
    foreign = ROW_MAKERS[model](other_org)
    before = model._default_manager.filter(pk=foreign.pk).values().get()
    file = SimpleUploadedFile("rows.csv", f"id\n{foreign.public_id}\n".encode())

    preview = owner_client.post(
        url(model, "import"), {"import_file": file, "format": "0", "resource": "0"}
    )

    assert preview.status_code == 200
    assert preview.context.get("confirm_form") is None
    assert [row.number for row in preview.context["result"].invalid_rows] == [1]
    assert model._default_manager.filter(pk=foreign.pk).values().get() == before


@pytest.mark.parametrize("model", IMPORTING, ids=lambda m: m.__name__)
def test_the_import_pages_need_a_member_of_the_organisation(model: type) -> None:
    response = Client().get(url(model, "import"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
