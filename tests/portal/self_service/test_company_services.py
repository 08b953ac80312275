"""company_details_submit (at once and through the review queue) and the staff decisions."""

from __future__ import annotations

from typing import Any

import pytest

from portico.activity import self_service as services
from portico.activity.models import ActivityLog, Notification
from portico.contacts import self_service_services as staff_decisions
from portico.contacts.models import Contact, DetailsChangeItem
from portico.contacts.scope import PortalScope
from portico.core.errors import DomainError
from tests.portal.self_service.factories import DetailsChangeItemFactory, SelfServiceSettingsFactory

pytestmark = pytest.mark.django_db
Status = DetailsChangeItem.Status


def values(scope: PortalScope, **changes: str) -> dict[str, str]:
    contact = scope.contact
    return {f: str(getattr(contact, f) or "") for f in services.COMPANY_FIELDS} | changes


def test_changes_apply_at_once_by_default_and_the_business_is_told(scope: PortalScope) -> None:
    result = services.company_details_submit(
        scope=scope, values=values(scope, tax_number="DE123", billing_city="Berlin")
    )

    contact = Contact.objects.get(pk=scope.contact.pk)
    assert (contact.tax_number, contact.billing_city) == ("DE123", "Berlin")
    assert {change.field for change in result.applied} == {"tax_number", "billing_city"}
    assert result.queued == []
    assert set(DetailsChangeItem.objects.values_list("status", flat=True)) == {Status.APPLIED}
    text = Notification.objects.get(kind=Notification.Kind.DETAILS_UPDATED).text
    assert "Billing city: — → \u2068Berlin\u2069" in text
    assert ActivityLog.objects.filter(action="company_details_updated").exists()


def test_with_review_on_the_changes_wait_field_by_field(scope: PortalScope) -> None:
    SelfServiceSettingsFactory(organisation=scope.organisation, details_changes_need_review=True)

    result = services.company_details_submit(
        scope=scope, values=values(scope, phone="+49 30 1234", shipping_country="DE")
    )

    contact = Contact.objects.get(pk=scope.contact.pk)
    assert contact.phone == "" and contact.shipping_country == ""
    assert {change.field for change in result.queued} == {"phone", "shipping_country"}
    assert DetailsChangeItem.objects.filter(status=Status.PENDING).count() == 2
    assert "waiting for your review" in Notification.objects.get().text


def test_staff_approve_one_field_and_reject_another(scope: PortalScope, owner: Any) -> None:
    SelfServiceSettingsFactory(organisation=scope.organisation, details_changes_need_review=True)
    services.company_details_submit(
        scope=scope, values=values(scope, phone="+49 30 1234", website="https://a.example")
    )
    phone = DetailsChangeItem.objects.get(field="phone")
    website = DetailsChangeItem.objects.get(field="website")

    assert (
        staff_decisions.details_change_approve(
            organisation=scope.organisation, user=owner, item_ids=[phone.pk]
        )
        == 1
    )
    assert (
        staff_decisions.details_change_reject(
            organisation=scope.organisation, user=owner, item_ids=[website.pk]
        )
        == 1
    )

    contact = Contact.objects.get(pk=scope.contact.pk)
    assert contact.phone == "+49 30 1234"
    assert contact.website == ""
    phone.refresh_from_db()
    assert (phone.status, phone.decided_by) == (Status.APPROVED, owner)
    # deciding again changes nothing
    assert (
        staff_decisions.details_change_reject(
            organisation=scope.organisation, user=owner, item_ids=[phone.pk]
        )
        == 0
    )


def test_staff_cannot_decide_another_organisations_changes(
    scope: PortalScope, outsider: Any, other_org: Any
) -> None:
    item = DetailsChangeItemFactory(person=scope.person)

    count = staff_decisions.details_change_approve(
        organisation=other_org, user=outsider, item_ids=[item.pk]
    )

    assert count == 0
    assert Contact.objects.get(pk=scope.contact.pk).phone == ""


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("display_name", ""),
        ("display_name", "x" * 201),
        ("billing_country", "XX"),
        ("website", "javascript:alert(1)"),
        ("company_name", "a\r\nb"),
        ("billing_postal_code", "1" * 21),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_saved(
    scope: PortalScope, field: str, value: str
) -> None:
    before = Contact.objects.values().get(pk=scope.contact.pk)
    with pytest.raises(DomainError) as raised:
        services.company_details_submit(
            scope=scope, values=values(scope, tax_number="NEW", **{field: value})
        )
    assert raised.value.field == field
    assert Contact.objects.values().get(pk=scope.contact.pk) == before
    assert not DetailsChangeItem.objects.exists()
    assert not Notification.objects.exists()


def test_no_change_records_nothing(scope: PortalScope) -> None:
    result = services.company_details_submit(scope=scope, values=values(scope))
    assert result.applied == result.queued == []
    assert not DetailsChangeItem.objects.exists()
