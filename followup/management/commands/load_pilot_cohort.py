import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from followup.pilot import load_pilot_cohort
from rehab.models import User


class Command(BaseCommand):
    help = "Load the 14 fictional track 2 cases of the pilot cohort into the demo team."

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
        cases = load_pilot_cohort(officer=officer, therapist=therapist, decided_on=decided_on)
        self.stdout.write(f"Pilot cohort: {len(cases)} decided track 2 cases ({decided_on}).")
