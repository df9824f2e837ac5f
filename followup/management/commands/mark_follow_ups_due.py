import datetime

from django.core.management.base import BaseCommand

from followup.services import mark_follow_ups_due


class Command(BaseCommand):
    help = (
        "The daily follow-up job: schedule missing follow-ups, mark those fallen due and put "
        "their cases in the case officer's queue (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="the day to run the job as of (default: today)",
        )

    def handle(self, *args, today, **options):
        counts = mark_follow_ups_due(today=today)
        self.stdout.write(
            f"Follow-ups: {counts['scheduled']} scheduled, {counts['due']} fallen due, "
            f"{counts['queued']} cases put in the queue."
        )
