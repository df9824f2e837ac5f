from django.core.management.base import BaseCommand

from studies.demo import ensure_demo_study


class Command(BaseCommand):
    help = "Define and draw the demo's follow-up study of shower (idempotent)."

    def handle(self, *args, **options):
        study = ensure_demo_study()
        if study is None:
            self.stdout.write("No demo manager: no demo study.")
            return
        self.stdout.write(f"Demo study: {study.name}, {study.sampled_cases.count()} cases")
