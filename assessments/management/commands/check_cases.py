from django.core.management.base import BaseCommand, CommandError

from assessments.integrity import untruthful_cases
from assessments.models import Application


class Command(BaseCommand):
    help = (
        "Check that every case's status has the records it implies and that its dates run "
        "in order; list the cases that do not (exit status 1 when there are any)."
    )

    def handle(self, *args, **options):
        found = untruthful_cases()
        for case in found:
            missing = "; ".join(str(message) for message in case.missing)
            self.stdout.write(f"{case.public_id} ({case.status}): {missing}")
        total = Application.objects.count()
        if found:
            raise CommandError(f"{len(found)} of {total} cases do not match their status.")
        self.stdout.write(f"All {total} cases match their status.")
