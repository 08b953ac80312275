"""What the API keeps for itself: the first answer to each `Idempotency-Key`."""

from __future__ import annotations

from django.db import models


class IdempotentRequest(models.Model):
    """One POST under one key, per organisation and principal; a replay gets `response` back."""

    organisation = models.ForeignKey(
        "orgs.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    principal = models.CharField(max_length=80)
    """`key:<api key public id>` or `person:<contact person public id>`."""
    key = models.CharField(max_length=120)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    fingerprint = models.CharField(max_length=64)
    """SHA-256 of the body: the same key with another body is refused."""
    status_code = models.PositiveSmallIntegerField(null=True)
    """None while the first request is still running."""
    response = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "principal", "key"], name="api_idempotency_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.principal} · {self.key}"
