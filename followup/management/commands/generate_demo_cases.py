from assessments.management.generation import GenerateCommand
from followup.demo import generate_through_services


class Command(GenerateCommand):
    help = (
        "Generate fictional citizens whose cases are walked through the services (visit, "
        "track, interventions, handover, decision, follow-ups), the same data for the same "
        "seed. For large sizes, generate_data writes the same kind of cases in bulk."
    )
    how = " through the services"

    def generate(self, *, citizens: int, seed: int):
        return generate_through_services(citizens=citizens, seed=seed)
