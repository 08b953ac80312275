"""What the back office exports and imports (django-import-export resources), one organisation
at a time.

Every resource is built with the staff member's organisation: exports read only its rows, an
import's rows are made in it, an id in a file must name one of its rows (another
organisation's id is refused like a missing one, never followed), and every text cell that
a spreadsheet would run as a formula is neutralised on the way out.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from portico.contacts.models import Contact, ContactPerson
from portico.core.spreadsheets import neutralise
from portico.core.tenancy import scope_to_organisation
from portico.orgs.models import Item, Organisation, Tax
from portico.payments.models import Payment
from portico.projects.models import TimeEntry
from portico.sales.models import Invoice

ID = "id"


class ScopedForeignKeyWidget(widgets.ForeignKeyWidget):
    """Looks the related row up inside the resource's organisation only."""

    organisation: Organisation | None = None

    def get_queryset(self, value: Any, row: Any, *args: Any, **kwargs: Any) -> Any:
        return scope_to_organisation(self.model._default_manager.all(), self.organisation)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        try:
            return super().clean(value, row, **kwargs)
        except (self.model.DoesNotExist, ValidationError, ValueError):
            # Missing, malformed and another organisation's all answer the same.
            raise ValueError(
                _("No %(model)s %(value)s in this organisation.")
                % {"model": self.model._meta.verbose_name, "value": value}
            ) from None


class OrganisationResource(resources.ModelResource):
    """Base of every back-office resource: scoped reads, scoped writes, safe cells.

    The `id` column is the row's public id: empty makes a new row, an id updates that row of
    this organisation, and any other id is a row error.
    """

    id = fields.Field(attribute="public_id", column_name=ID, widget=widgets.CharWidget())

    def __init__(self, *, organisation: Organisation | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.organisation = organisation
        self.file_columns: set[str] | None = None
        for field in self.fields.values():
            if isinstance(field.widget, ScopedForeignKeyWidget):
                field.widget.organisation = organisation

    class Meta:
        import_id_fields = (ID,)
        clean_model_instances = True
        skip_unchanged = False
        report_skipped = True

    # --- reads ---------------------------------------------------------------------------

    def get_queryset(self) -> models.QuerySet[Any]:
        return scope_to_organisation(super().get_queryset(), self.organisation)

    def filter_export(self, queryset: Any, **kwargs: Any) -> Any:
        # The admin hands over its own (already scoped) queryset; scope again all the same.
        return scope_to_organisation(queryset, self.organisation)

    def export_field(self, field: Any, instance: Any, **kwargs: Any) -> Any:
        return neutralise(super().export_field(field, instance, **kwargs))

    # --- writes --------------------------------------------------------------------------

    def get_instance(self, instance_loader: Any, row: Any) -> Any:
        value = str(row.get(ID) or "").strip()
        if not value:
            return None
        try:
            instance = self.get_queryset().filter(public_id=value).first()
        except ValidationError:
            instance = None
        if instance is None:
            raise ValidationError(
                {"public_id": _("No row with id %(id)s in this organisation.") % {"id": value}}
            )
        return instance

    def init_instance(self, row: Any = None) -> Any:
        instance = super().init_instance(row)
        # Before validation, so constraints that name the organisation are checked per row.
        if any(f.name == "organisation" for f in instance._meta.concrete_fields):
            instance.organisation = self.organisation
        return instance

    def import_field(self, field: Any, instance: Any, row: Any, *args: Any, **kwargs: Any) -> None:
        if field.attribute == "public_id":
            return  # the id only finds the row; it is never written
        super().import_field(field, instance, row, *args, **kwargs)

    def import_data(self, dataset: Any, *args: Any, **kwargs: Any) -> Any:
        self.file_columns = {*(dataset.headers or []), ID}
        return super().import_data(dataset, *args, **kwargs)

    def get_import_fields(self) -> list[Any]:
        # The preview shows the columns of the file, not every column a file may have.
        fields = super().get_import_fields()
        if self.file_columns is None:
            return fields
        return [field for field in fields if field.column_name in self.file_columns]

    def get_user_visible_fields(self) -> list[Any]:
        # What the import form lists: every column a file may have.
        return list(super().get_import_fields())

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        if self.organisation is None:
            raise ValidationError(_("Imports need an organisation."))
        if dataset.headers and ID not in dataset.headers:
            # A file of new rows may leave the id column out.
            dataset.append_col([""] * dataset.height, header=ID)
        super().before_import(dataset, **kwargs)


# --- customers, contact persons and items: exported and imported -------------------------


class ContactResource(OrganisationResource):
    class Meta(OrganisationResource.Meta):
        model = Contact
        name = gettext_lazy("Customers")
        fields = (
            ID,
            "display_name",
            "company_name",
            "email",
            "phone",
            "website",
            "tax_number",
            "currency",
            "payment_terms_days",
            "language",
            "billing_attention",
            "billing_street",
            "billing_street2",
            "billing_city",
            "billing_state",
            "billing_postal_code",
            "billing_country",
            "shipping_attention",
            "shipping_street",
            "shipping_street2",
            "shipping_city",
            "shipping_state",
            "shipping_postal_code",
            "shipping_country",
            "notes",
        )
        export_order = fields


class ContactPersonResource(OrganisationResource):
    customer = fields.Field(
        attribute="contact",
        column_name="customer",
        widget=ScopedForeignKeyWidget(Contact, field="public_id"),
    )
    customer_name = fields.Field(
        attribute="contact__display_name", column_name="customer_name", readonly=True
    )

    class Meta(OrganisationResource.Meta):
        model = ContactPerson
        name = gettext_lazy("Contact persons")
        fields = (
            ID,
            "customer",
            "customer_name",
            "first_name",
            "last_name",
            "email",
            "phone",
            "mobile",
            "designation",
            "is_primary",
        )
        export_order = fields

    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset().select_related("contact")


class ItemResource(OrganisationResource):
    tax = fields.Field(
        attribute="tax", column_name="tax", widget=ScopedForeignKeyWidget(Tax, field="name")
    )

    class Meta(OrganisationResource.Meta):
        model = Item
        name = gettext_lazy("Items")
        fields = (ID, "name", "description", "rate", "unit", "tax", "is_active")
        export_order = fields


# --- invoices, payments and time: exported only --------------------------------------------


class ExportOnlyResource(OrganisationResource):
    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        raise ValidationError(_("These rows are made by the back office, not imported."))


class InvoiceResource(ExportOnlyResource):
    customer = fields.Field(attribute="contact__display_name", column_name="customer")
    amount_paid = fields.Field(
        attribute="amount_paid", column_name="amount_paid", widget=widgets.DecimalWidget()
    )

    class Meta(OrganisationResource.Meta):
        model = Invoice
        name = gettext_lazy("Invoices")
        fields = (
            ID,
            "number",
            "kind",
            "status",
            "customer",
            "reference",
            "issue_date",
            "due_date",
            "currency",
            "subtotal",
            "tax_total",
            "total",
            "amount_paid",
            "balance_due",
        )
        export_order = fields

    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset().select_related("contact")


class PaymentResource(ExportOnlyResource):
    customer = fields.Field(attribute="contact__display_name", column_name="customer")

    class Meta(OrganisationResource.Meta):
        model = Payment
        name = gettext_lazy("Payments")
        fields = (
            ID,
            "number",
            "date",
            "customer",
            "amount",
            "currency",
            "mode",
            "reference",
            "source",
            "gateway",
            "gateway_transaction_id",
        )
        export_order = fields

    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset().select_related("contact")


class TimeEntryResource(ExportOnlyResource):
    project = fields.Field(attribute="project__name", column_name="project")
    customer = fields.Field(attribute="project__contact__display_name", column_name="customer")
    staff = fields.Field(attribute="user__email", column_name="staff")

    class Meta(OrganisationResource.Meta):
        model = TimeEntry
        name = gettext_lazy("Time entries")
        fields = (ID, "date", "project", "customer", "task", "hours", "billable", "staff", "notes")
        export_order = fields

    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset().select_related("project__contact", "user")
