from assessments.demo_data import generate
from assessments.management.generation import GenerateCommand


class Command(GenerateCommand):
    help = (
        "Generate fictional citizens and their cases in bulk, each with every record its "
        "status implies (visit, track, interventions, handover or assessment basis, "
        "decision, follow-ups, closure), the same data for the same seed."
    )

    def generate(self, *, citizens: int, seed: int):
        return generate(citizens=citizens, seed=seed)
