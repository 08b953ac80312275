from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from portico.devdata import demo


class Command(BaseCommand):
    help = "Load the demo organisation 'Demo Studio' (safe to run again: nothing is duplicated)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            context = demo.load(lambda line: self.stdout.write(f"  {line}"))
        self.stdout.write(self.style.SUCCESS("\nDemo data ready."))
        width = max(len("Outgoing mail"), *(len(what) for what, _, _ in context.logins)) + 2
        for what, where, who in context.logins:
            self.stdout.write(f"  {what:<{width}}{where}\n  {'':<{width}}{who}")
        if settings.EMAIL_BACKEND.endswith("filebased.EmailBackend"):
            self.stdout.write(f"  {'Outgoing mail':<{width}}{settings.EMAIL_FILE_PATH}/")
