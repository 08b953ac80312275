"""Personal document links: one emailed recipient, one document, no password.

Like a hosted invoice page: the secret opens that one document (view, PDF, pay, answer) and
nothing else of the customer. Only a SHA-256 of the secret is stored; the document is named by
its kind slug and public id, so this layer needs no sales model.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portico.core.tenancy import OrganisationOwned


class DocumentLinkQuerySet(models.QuerySet["DocumentLink"]):
    def live(self) -> DocumentLinkQuerySet:
        """Not revoked and not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def for_document(self, document_id: object) -> DocumentLinkQuerySet:
        return self.filter(document_id=document_id)


class DocumentLink(OrganisationOwned):
    """A personal link to one document, sent to one contact person."""

    person = models.ForeignKey(
        "contacts.ContactPerson",
        on_delete=models.CASCADE,
        related_name="document_links",
        verbose_name=_("contact person"),
    )
    document_kind = models.CharField(_("document kind"), max_length=30)
    document_id = models.UUIDField(_("document"), db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    use_count = models.PositiveIntegerField(_("times opened"), default=0)

    objects = DocumentLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("document link")
        verbose_name_plural = _("document links")
        indexes = [models.Index(fields=["person", "document_id"], name="doclink_person_doc")]

    def __str__(self) -> str:
        return f"{self.document_kind} {self.document_id} for {self.person_id}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
