from django.core.management.base import BaseCommand, CommandError

from assessments.models import Citizen
from followup.demo import generate_through_services


class Command(BaseCommand):
    help = (
        "Generate fictional citizens whose cases are walked through the services (visit, "
        "track, interventions, handover, decision, follow-ups), the same data for the same "
        "seed. For large sizes, generate_data writes the same kind of cases in bulk."
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
        result = generate_through_services(citizens=citizens, seed=seed)
        self.stdout.write(
            f"Generated {result.citizens} citizens, {result.applications} applications "
            f"through the services in {result.seconds:.1f} s"
        )
