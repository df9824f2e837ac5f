from django.core.management import call_command
from django.core.management.base import BaseCommand

from rehab.demo import DEMO_PASSWORD, DEMO_USERS, ensure_demo_users

# Up to this many citizens, every case is walked through the services; above it, the same
# kind of cases are written in bulk (walking takes about a fifth of a second a case).
WALKED_UP_TO = 2000


class Command(BaseCommand):
    help = "Load the demo: one user per role, fictional citizens and the pilot cohort (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--citizens", type=int, default=300, help="fictional citizens to generate"
        )
        parser.add_argument("--seed", type=int, default=1, help="seed of the generated data")

    def handle(self, *args, citizens, seed, **options):
        ensure_demo_users()
        # Commands by name: rehab sits below the apps and imports none of them.
        generator = "generate_demo_cases" if citizens <= WALKED_UP_TO else "generate_data"
        call_command(generator, citizens=citizens, seed=seed, if_empty=True, stdout=self.stdout)
        call_command("load_pilot_cohort", stdout=self.stdout)
        call_command("load_demo_study", stdout=self.stdout)
        # The daily job, so that follow-ups past their day show as due.
        call_command("mark_follow_ups_due", stdout=self.stdout)
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for demo in DEMO_USERS:
            self.stdout.write(f"  {demo.username:<16} {demo.role.label}")
