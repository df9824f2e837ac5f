from django.core.management.base import BaseCommand

from followup.case_figures import case_figures_rebuild


class Command(BaseCommand):
    help = (
        "Work out every case's figures again (followup.CaseFigures, read by the indicators) "
        "in one statement; the nightly beat job does the same."
    )

    def handle(self, *args, **options):
        rows = case_figures_rebuild()
        self.stdout.write(f"Case figures: {rows} cases.")
