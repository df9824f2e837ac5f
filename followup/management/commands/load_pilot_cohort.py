import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from followup.pilot import load_pilot_cohort
from followup.services import mark_follow_ups_due
from rehab.models import User


class Command(BaseCommand):
    help = (
        "Load the 14 fictional track 2 cases of the pilot cohort into the demo team, each "
        "walked through the services up to its decision and follow-ups."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--decided-on",
            type=datetime.date.fromisoformat,
            default=None,
            help="decision date of the cohort (default: 20 days ago)",
        )

    def handle(self, *args, decided_on, **options):
        decided_on = decided_on or timezone.localdate() - datetime.timedelta(days=20)
        officer = User.objects.get(username="handlaggare")
        therapist = User.objects.get(username="arbetsterapeut")
        try:
            cases = load_pilot_cohort(officer=officer, therapist=therapist, decided_on=decided_on)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        # Follow-ups whose day has passed fall due, as the daily job makes them.
        counts = mark_follow_ups_due()
        self.stdout.write(
            f"Pilot cohort: {len(cases)} track 2 cases decided on {decided_on}; "
            f"{counts['due']} follow-ups fallen due."
        )
