from django.core.management.base import BaseCommand, CommandError

from assessments.demo_data import generate
from assessments.models import Citizen


class Command(BaseCommand):
    help = (
        "Generate fictional citizens and their cases in bulk, each with every record its "
        "status implies (visit, track, interventions, handover or assessment basis, "
        "decision, follow-ups, closure), the same data for the same seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--citizens", type=int, default=300, help="how many citizens")
        parser.add_argument("--seed", type=int, default=1, help="seed of the random stream")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when citizens are already registered",
        )

    def handle(self, *args, citizens, seed, if_empty, **options):
        if citizens < 0:
            raise CommandError("--citizens must be zero or more")
        if if_empty and Citizen.objects.exists():
            self.stdout.write("Citizens are already registered; no data generated.")
            return
        result = generate(citizens=citizens, seed=seed)
        self.stdout.write(
            f"Generated {result.citizens} citizens, {result.applications} applications "
            f"in {result.seconds:.1f} s"
        )
