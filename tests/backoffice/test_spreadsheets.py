"""CSV and XLSX out of the back office, and imports with a preview, inside one organisation."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from portico.contacts.models import Contact, ContactPerson
from portico.orgs.models import Item, Organisation, Tax
from tests.contacts.factories import ContactFactory
from tests.orgs.factories import ItemFactory
from tests.sales import factories as make

pytestmark = pytest.mark.django_db

CSV_FORMAT, XLSX_FORMAT = "0", "1"


def export(client: Client, url_name: str, file_format: str = CSV_FORMAT, **query: str) -> Any:
    url = reverse(f"admin:{url_name}")
    return client.post(url, {"format": file_format, "resource": "0", **query})


def csv_rows(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response: Any) -> list[tuple[Any, ...]]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


def upload(client: Client, url_name: str, text: str) -> Any:
    file = SimpleUploadedFile("rows.csv", text.encode(), content_type="text/csv")
    return client.post(
        reverse(f"admin:{url_name}"), {"import_file": file, "format": CSV_FORMAT, "resource": "0"}
    )


def confirm(client: Client, url_name: str, preview: Any) -> Any:
    form = preview.context["confirm_form"]
    return client.post(reverse(f"admin:{url_name}"), dict(form.initial))


def row_errors(preview: Any) -> list[int]:
    """The numbers of the rows the preview refuses, with a message each."""
    result = preview.context["result"]
    bad = [row.number for row in result.invalid_rows]
    bad += [number for number, errors in result.row_errors() if errors]
    return sorted(bad)


# --- export --------------------------------------------------------------------------------


def test_a_customer_export_holds_only_the_organisations_customers(
    owner_client: Client, customer_a: Contact, customer_b: Contact, other_org_customer: Contact
) -> None:
    response = export(owner_client, "contacts_contact_export")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="studio-a-' in response["Content-Disposition"]
    ids = {row["id"] for row in csv_rows(response)}
    assert ids == {str(customer_a.public_id), str(customer_b.public_id)}
    assert str(other_org_customer.public_id) not in response.content.decode()


def test_text_that_a_spreadsheet_would_run_is_neutralised(
    owner_client: Client, org: Organisation
) -> None:
    ContactFactory(
        organisation=org,
        display_name='=HYPERLINK("http://evil.example","x")',
        company_name="@SUM(A1)",
        phone="+44 20 7946 0000",
        notes="-2+3",
    )

    (row,) = csv_rows(export(owner_client, "contacts_contact_export"))

    assert row["display_name"] == '\'=HYPERLINK("http://evil.example","x")'
    assert row["company_name"] == "'@SUM(A1)"
    assert row["phone"] == "'+44 20 7946 0000"
    assert row["notes"] == "'-2+3"


def test_in_xlsx_numbers_stay_numbers_and_formulas_are_text(
    owner_client: Client, org: Organisation
) -> None:
    ItemFactory(organisation=org, name="=1+1", rate=Decimal("12.5000"), unit="-h")

    header, row = xlsx_rows(export(owner_client, "orgs_item_export", XLSX_FORMAT))
    cells = dict(zip(header, row, strict=True))

    assert cells["name"] == "'=1+1"
    assert cells["unit"] == "'-h"
    assert isinstance(cells["rate"], (int, float, Decimal))
    assert Decimal(str(cells["rate"])) == Decimal("12.5")


def test_invoices_payments_and_time_export_only_the_organisations_rows(
    owner_client: Client, org: Organisation, other_org: Organisation
) -> None:
    own = make.invoice(make.customer(org))
    foreign = make.invoice(make.customer(other_org))

    rows = xlsx_rows(export(owner_client, "sales_invoice_export", XLSX_FORMAT))
    header, data = rows[0], rows[1:]
    cells = [dict(zip(header, row, strict=True)) for row in data]

    assert [c["id"] for c in cells] == [str(own.public_id)]
    assert str(foreign.public_id) not in {c["id"] for c in cells}
    assert isinstance(cells[0]["total"], (int, float, Decimal))
    for url_name in ("payments_payment_export", "projects_timeentry_export"):
        assert export(owner_client, url_name).status_code == 200


def test_the_export_follows_the_lists_filter(owner_client: Client, org: Organisation) -> None:
    ItemFactory(organisation=org, name="Active", is_active=True)
    ItemFactory(organisation=org, name="Retired", is_active=False)

    response = owner_client.post(
        reverse("admin:orgs_item_export") + "?is_active__exact=1",
        {"format": CSV_FORMAT, "resource": "0"},
    )

    assert [row["name"] for row in csv_rows(response)] == ["Active"]


# --- the statement -------------------------------------------------------------------------


def test_a_customers_statement_as_csv_and_xlsx(owner_client: Client, org: Organisation) -> None:
    contact = make.customer(org)
    make.invoice(contact, rate="250.00", reference="=cmd|' /C calc'!A0")
    kwargs = {"contact_id": contact.public_id}

    as_csv = owner_client.get(reverse("backoffice_documents:statement_csv", kwargs=kwargs))
    as_xlsx = owner_client.get(reverse("backoffice_documents:statement_xlsx", kwargs=kwargs))

    assert as_csv.status_code == 200
    text = as_csv.content.decode("utf-8-sig")
    assert "Opening balance" in text and "Closing balance" in text
    assert "250" in text
    rows = xlsx_rows(as_xlsx)
    amounts = [row[4] for row in rows[1:] if row[4] is not None]
    assert amounts and all(isinstance(a, (int, float, Decimal)) for a in amounts)
    assert all(
        not str(cell).startswith(("=", "+", "@"))
        for row in rows
        for cell in row
        if isinstance(cell, str)
    )


def test_another_organisations_statement_is_404(
    owner_client: Client, other_org_customer: Contact
) -> None:
    kwargs = {"contact_id": other_org_customer.public_id}
    for name in ("statement_csv", "statement_xlsx"):
        response = owner_client.get(reverse(f"backoffice_documents:{name}", kwargs=kwargs))
        assert response.status_code == 404


# --- import --------------------------------------------------------------------------------


def test_a_customer_import_shows_a_preview_and_writes_only_when_confirmed(
    owner_client: Client, org: Organisation
) -> None:
    text = "id,display_name,email,currency\n,Acme Ltd,ap@acme.example,USD\n,Bolt GmbH,,EUR\n"

    preview = upload(owner_client, "contacts_contact_import", text)

    assert preview.status_code == 200
    assert preview.context["confirm_form"] is not None
    assert row_errors(preview) == []
    assert not Contact.objects.filter(display_name="Acme Ltd").exists()

    done = confirm(owner_client, "contacts_contact_process_import", preview)

    assert done.status_code == 302
    imported = Contact.objects.filter(display_name__in=["Acme Ltd", "Bolt GmbH"])
    assert {c.organisation_id for c in imported} == {org.pk}
    assert imported.count() == 2


def test_an_import_updates_a_customer_of_the_organisation_by_its_id(
    owner_client: Client, customer_a: Contact
) -> None:
    text = f"id,display_name,currency\n{customer_a.public_id},Customer A renamed,USD\n"

    preview = upload(owner_client, "contacts_contact_import", text)
    confirm(owner_client, "contacts_contact_process_import", preview)

    customer_a.refresh_from_db()
    assert customer_a.display_name == "Customer A renamed"


def test_a_file_with_bad_rows_imports_nothing_and_lists_each_bad_row(
    owner_client: Client, org: Organisation
) -> None:
    text = (
        "id,display_name,email,currency\n"
        ",Good Ltd,good@example.com,USD\n"
        ",,nameless@example.com,USD\n"
        ",Bad Mail Ltd,not-an-address,USD\n"
        ",Fine Co,,USD\n"
    )

    preview = upload(owner_client, "contacts_contact_import", text)

    assert preview.status_code == 200
    assert "confirm_form" not in preview.context or preview.context["confirm_form"] is None
    assert row_errors(preview) == [2, 3]
    assert not Contact.objects.filter(organisation=org).exists()
    # the form still lists every column a file may have, the table only the file's
    assert "shipping_country" in preview.content.decode()
    assert preview.context["result"].diff_headers == ["id", "display_name", "email", "currency"]


def test_another_organisations_customer_id_is_a_row_error_never_a_write(
    owner_client: Client, other_org_customer: Contact
) -> None:
    text = f"id,display_name,currency\n{other_org_customer.public_id},Hijacked,USD\n"

    preview = upload(owner_client, "contacts_contact_import", text)

    assert row_errors(preview) == [1]
    assert "No row with id" in preview.content.decode()
    other_org_customer.refresh_from_db()
    assert other_org_customer.display_name == "Other org customer"
    assert not Contact.objects.filter(display_name="Hijacked").exists()


def test_contact_persons_import_for_the_organisations_customers_only(
    owner_client: Client, customer_a: Contact, other_org_customer: Contact
) -> None:
    text = (
        "id,customer,first_name,last_name,email\n"
        f",{customer_a.public_id},Ann,Archer,ann.archer@customer-a.example\n"
        f",{other_org_customer.public_id},Olga,Other,olga2@other.example\n"
        ",not-a-uuid,Nobody,,\n"
    )

    preview = upload(owner_client, "contacts_contactperson_import", text)

    assert row_errors(preview) == [2, 3]
    assert not ContactPerson.objects.filter(first_name__in=["Ann", "Olga"]).exists()

    good = upload(
        owner_client,
        "contacts_contactperson_import",
        f"id,customer,first_name,email\n,{customer_a.public_id},Ann,ann.archer@a.example\n",
    )
    confirm(owner_client, "contacts_contactperson_process_import", good)
    person = ContactPerson.objects.get(first_name="Ann")
    assert person.contact == customer_a
    assert person.organisation_id == customer_a.organisation_id


def test_items_import_with_the_organisations_taxes_only(
    owner_client: Client, org: Organisation, other_org: Organisation
) -> None:
    Tax.objects.create(organisation=other_org, name="Foreign tax", rate=Decimal("5"))
    text = "id,name,rate,unit,tax\n,Design hour,95.00,h,VAT\n,Smuggled,10,h,Foreign tax\n"

    preview = upload(owner_client, "orgs_item_import", text)
    assert row_errors(preview) == [2]
    assert not Item.objects.exists()

    good = upload(
        owner_client, "orgs_item_import", "id,name,rate,unit,tax\n,Design hour,95.00,h,VAT\n"
    )
    confirm(owner_client, "orgs_item_process_import", good)
    item = Item.objects.get(name="Design hour")
    assert item.organisation == org
    assert item.tax is not None and item.tax.organisation == org
    assert item.rate == Decimal("95.00")


def test_a_confirmation_must_name_a_file_this_session_previewed(
    owner_client: Client, teammate_client: Client, org: Organisation
) -> None:
    preview = upload(owner_client, "contacts_contact_import", "display_name,currency\nAcme,USD\n")
    form = dict(preview.context["confirm_form"].initial)

    response = teammate_client.post(reverse("admin:contacts_contact_process_import"), form)

    assert response.status_code == 403
    assert not Contact.objects.filter(display_name="Acme").exists()


def test_staff_may_import_customers_but_not_a_read_only_member(
    teammate_client: Client, org: Organisation
) -> None:
    from portico.accounts.models import Membership
    from tests.accounts.factories import MembershipFactory

    reader = MembershipFactory(organisation=org, role=Membership.Role.READ_ONLY).user
    reader_client = Client()
    reader_client.force_login(reader)

    assert teammate_client.get(reverse("admin:contacts_contact_import")).status_code == 200
    assert reader_client.get(reverse("admin:contacts_contact_import")).status_code == 403
    # a read-only member may still export
    assert export(reader_client, "contacts_contact_export").status_code == 200


def test_the_lists_offer_import_and_export_by_role(
    owner_client: Client, reader_client_factory: Any
) -> None:
    export_url = reverse("admin:contacts_contact_export")
    import_url = reverse("admin:contacts_contact_import")

    owner_page = owner_client.get(reverse("admin:contacts_contact_changelist")).content.decode()
    reader_page = (
        reader_client_factory().get(reverse("admin:contacts_contact_changelist")).content.decode()
    )

    assert export_url in owner_page and import_url in owner_page
    assert export_url in reader_page and import_url not in reader_page
    invoices = owner_client.get(reverse("admin:sales_invoice_changelist")).content.decode()
    assert reverse("admin:sales_invoice_export") in invoices
    assert "/admin/sales/invoice/import/" not in invoices


@pytest.fixture
def reader_client_factory(org: Organisation) -> Any:
    from portico.accounts.models import Membership
    from tests.accounts.factories import MembershipFactory

    def make_client() -> Client:
        client = Client()
        client.force_login(MembershipFactory(organisation=org, role=Membership.Role.READ_ONLY).user)
        return client

    return make_client


def test_items_import_from_an_xlsx_file(owner_client: Client, org: Organisation) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name", "rate", "unit"])
    sheet.append(["Workshop day", 1200, "day"])
    buffer = io.BytesIO()
    book.save(buffer)
    file = SimpleUploadedFile("items.xlsx", buffer.getvalue())

    preview = owner_client.post(
        reverse("admin:orgs_item_import"),
        {"import_file": file, "format": XLSX_FORMAT, "resource": "0"},
    )
    confirm(owner_client, "orgs_item_process_import", preview)

    item = Item.objects.get(name="Workshop day")
    assert item.organisation == org
    assert item.rate == Decimal("1200")


def test_previewed_files_nobody_confirmed_are_swept_after_a_day(
    owner_client: Client, settings: Any
) -> None:
    import os
    import time

    from portico.backoffice import tasks
    from portico.backoffice.exports import IMPORT_FOLDER

    # given two previews, one of them left for more than a day
    for name in ("Old Ltd", "New Ltd"):
        upload(owner_client, "contacts_contact_import", f"display_name,currency\n{name},USD\n")
    folder = settings.MEDIA_ROOT / IMPORT_FOLDER
    old, new = sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime)
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))

    # when the periodic job runs
    tasks.import_files_sweep_enqueue(datetime.date.today())

    # then only the stale file is gone
    assert not old.exists()
    assert new.exists()
