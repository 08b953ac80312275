"""What the `portico` commands share about organisations."""

from __future__ import annotations

from django.core.management.base import CommandError

from portico.orgs.models import Organisation


def organisation_option(slug: str | None) -> Organisation | None:
    """The organisation an `--org` option names (None when it is not given); an unknown slug
    stops the command with a clear error."""
    if not slug:
        return None
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise CommandError(f"No organisation with the slug {slug!r}.")
    return organisation
