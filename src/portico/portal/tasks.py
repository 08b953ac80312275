from __future__ import annotations

from django_tasks import task

from portico.portal import services


@task()
def portal_invitations_send(person_ids: list[int]) -> int:
    """Issue and email invitations for a batch of persons enabled in bulk."""
    return services.portal_invitations_issue(person_ids=person_ids)
