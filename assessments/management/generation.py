"""What the two commands that generate fictional cases share: their arguments, the
"only into an empty database" rule and the summary line. ``generate_data`` writes in bulk;
``generate_demo_cases`` (followup) walks each case through the services."""

from django.core.management.base import BaseCommand, CommandError

from assessments.models import Citizen


class GenerateCommand(BaseCommand):
    # Said after the counts, e.g. " through the services".
    how = ""
    # The names of the command's own options that ``generate`` takes.
    generate_options: tuple[str, ...] = ()

    def add_arguments(self, parser):
        parser.add_argument("--citizens", type=int, default=300, help="how many citizens")
        parser.add_argument("--seed", type=int, default=1, help="seed of the random stream")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when citizens are already registered",
        )

    def generate(self, *, citizens: int, seed: int, **options):  # noqa: ARG002
        raise NotImplementedError

    def handle(self, *args, citizens, seed, if_empty, **options):
        if citizens < 0:
            raise CommandError("--citizens must be zero or more")
        if if_empty and Citizen.objects.exists():
            self.stdout.write("Citizens are already registered; no data generated.")
            return
        extra = {name: options[name] for name in self.generate_options}
        result = self.generate(citizens=citizens, seed=seed, **extra)
        self.stdout.write(
            f"Generated {result.citizens} citizens, {result.applications} applications"
            f"{self.how} in {result.seconds:.1f} s"
        )
        log_seconds = getattr(result, "access_log_seconds", 0.0)
        if log_seconds:
            self.stdout.write(
                f"  of which {result.seconds - log_seconds:.1f} s the cases and "
                f"{log_seconds:.1f} s the access log"
            )
        tables = getattr(result, "tables", None) or {}
        if tables:
            width = max(len(name) for name in tables)
            self.stdout.write(f"Rows per table ({sum(tables.values())} in all):")
            for name, rows in sorted(tables.items()):
                self.stdout.write(f"  {name:<{width}}  {rows:>10}")
