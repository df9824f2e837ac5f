from django.core.management.base import CommandError

from assessments.demo_data import generate
from assessments.management.generation import GenerateCommand


class Command(GenerateCommand):
    help = (
        "Generate fictional citizens and their cases in bulk, spread over many teams, each "
        "case with every record its status implies (visit, goals, instruments, track, "
        "interventions, handover or assessment basis, decision with needs levels, follow-ups "
        "with goal attainment, closure, positive examples, performed minutes), and optionally "
        "an access log over the last five years; the same data for the same seed."
    )

    generate_options = ("access_log_rows", "batch_size")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--access-log-rows",
            type=int,
            default=0,
            help="rows of access log over the last five years (drawn in SQL on PostgreSQL)",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=5000,
            help="citizens built and written per batch (memory stays flat)",
        )

    def generate(self, *, citizens: int, seed: int, access_log_rows=0, batch_size=5000):
        if access_log_rows < 0:
            raise CommandError("--access-log-rows must be zero or more")
        if batch_size < 1:
            raise CommandError("--batch-size must be one or more")
        return generate(
            citizens=citizens,
            seed=seed,
            access_log_rows=access_log_rows,
            batch_size=batch_size,
        )
