"""`{% portal_url %}`: the portal's addresses as Django's `{% url %}` writes them."""

from __future__ import annotations

import uuid

from django.template import Context, Template
from django.urls import reverse


def test_portal_url_writes_what_url_writes() -> None:
    public_id = uuid.uuid4()
    template = Template(
        "{% load portal_tags %}{% portal_url 'invoices' slug %} "
        "{% portal_url 'invoice_detail' slug invoice_id=public_id %} "
        "{% portal_url 'home' slug as home %}{{ home }}"
    )
    rendered = template.render(Context({"slug": "studio-a", "public_id": public_id}))
    assert rendered.split() == [
        reverse("portal:invoices", kwargs={"org_slug": "studio-a"}),
        reverse("portal:invoice_detail", kwargs={"org_slug": "studio-a", "invoice_id": public_id}),
        reverse("portal:home", kwargs={"org_slug": "studio-a"}),
    ]
