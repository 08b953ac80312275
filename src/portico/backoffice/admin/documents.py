"""Back office for Send: each organisation's email wording per document kind, and the record of
every send (who got which document, when, by whom)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portico.backoffice.admin.common import ReadOnlyMixin
from portico.backoffice.scoping import OrganisationScopedAdmin
from portico.backoffice.sites import site
from portico.core import placeholders
from portico.documents.models import DocumentEmailTemplate, DocumentSend


class EmailTemplateForm(forms.ModelForm):
    class Meta:
        model = DocumentEmailTemplate
        fields = ["kind", "subject", "message"]
        help_texts = {
            "message": _("Placeholders: %(names)s")
            % {"names": ", ".join(f"{{{name}}}" for name in placeholders.PLACEHOLDERS)}
        }


@admin.register(DocumentEmailTemplate, site=site)
class DocumentEmailTemplateAdmin(OrganisationScopedAdmin):
    """Without a row for a kind, Send uses the built-in wording in each reader's language."""

    form = EmailTemplateForm
    list_display = ["kind", "subject", "updated_at"]


@admin.register(DocumentSend, site=site)
class DocumentSendAdmin(ReadOnlyMixin, OrganisationScopedAdmin):
    list_display = ["created_at", "kind", "number", "contact", "sent_to", "sent_by", "purpose"]
    list_filter = ["kind", "purpose", "automatic"]
    list_select_related = ["contact", "sent_by"]
    search_fields = ["number", "contact__display_name", "subject"]
    fields = [
        "created_at",
        "kind",
        "number",
        "contact",
        "sent_by",
        "automatic",
        "purpose",
        "sent_to",
        "subject",
        "attached_pdf",
    ]
    readonly_fields = fields

    @admin.display(description=_("sent to"))
    def sent_to(self, record: DocumentSend) -> str:
        return ", ".join(record.addresses)
