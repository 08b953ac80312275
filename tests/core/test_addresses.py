"""core.addresses: an address reversed once, each object's public id put in its place."""

from __future__ import annotations

import uuid

from django.urls import reverse

from portico.core.addresses import address, fixed, fixed_many, parts


def test_an_address_is_what_reverse_answers() -> None:
    for _ in range(2):  # reversed the first time, then from the kept parts
        public_id = uuid.uuid4()
        assert address(
            "portal:invoice_detail", public_id, keyword="invoice_id", org_slug="studio-a"
        ) == reverse(
            "portal:invoice_detail", kwargs={"org_slug": "studio-a", "invoice_id": public_id}
        )
        assert address(
            "portal:document_pdf", str(public_id), org_slug="studio-b", kind="invoice"
        ) == reverse(
            "portal:document_pdf",
            kwargs={"org_slug": "studio-b", "kind": "invoice", "public_id": public_id},
        )
    head, tail = parts("portal:payment_detail", keyword="payment_id", org_slug="studio-a")
    assert head.endswith("/payments/") and tail == ""


def test_a_fixed_address_is_djangos_reverse() -> None:
    assert fixed("portal:home", org_slug="studio-a") == reverse(
        "portal:home", kwargs={"org_slug": "studio-a"}
    )
    assert fixed("admin:index") == reverse("admin:index")


def test_several_fixed_addresses_are_each_djangos_reverse() -> None:
    names = ("portal:home", "portal:invoices", "portal:account")
    for slug in ("studio-a", "studio-b", "studio-a"):
        assert fixed_many(names, org_slug=slug) == tuple(
            reverse(name, kwargs={"org_slug": slug}) for name in names
        )
