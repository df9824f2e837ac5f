"""``manage.py flush`` empties every table, the access log included; outside the test
settings it refuses (the log must be kept whole for at least five years, ADR 0009)."""

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import flush


class Command(flush.Command):
    help = "Empty the database; only under the test settings, since it empties the access log."

    def handle(self, **options):
        if not getattr(settings, "ALLOW_FLUSH", False):
            raise CommandError(
                "flush would empty the access log, which is kept for at least five years; "
                "it runs only under the test settings (ALLOW_FLUSH)."
            )
        return super().handle(**options)
