from django.core.management.base import BaseCommand

from rehab.demo import DEMO_PASSWORD, DEMO_USERS, ensure_demo_users


class Command(BaseCommand):
    help = "Load the demo: one user per role (idempotent)."

    def handle(self, *args, **options):
        ensure_demo_users()
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for demo in DEMO_USERS:
            self.stdout.write(f"  {demo.username:<16} {demo.role.label}")
