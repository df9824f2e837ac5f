"""The demo's pilot cohort: 14 fictional track 2 cases consistent with the published Timrå
pilot (790 minutes per week saved, 68 % of applied minutes needed). Managers use it to see
a report whose figures they can check against the published ones."""

import csv
import datetime
import random
from collections import defaultdict
from pathlib import Path

from django.db import transaction

from assessments.demo_data import personal_number, random_serial
from assessments.models import (
    Application,
    AppliedService,
    Citizen,
    Decision,
    GrantedService,
    JointVisit,
    ServiceType,
)
from rehab.models import User
from tracks.models import TrackAssignment

PILOT_CSV = Path(__file__).resolve().parent / "data" / "pilot_track2_14_citizens.csv"
FIRST_NAMES = {
    "K": ["Elsa", "Greta", "Ingrid", "Maj", "Karin", "Birgit", "Anna", "Margit", "Ruth", "Signe"],
    "M": ["Erik", "Gösta", "Sven", "Nils"],
}
LAST_NAMES = [
    "Pilotsson",
    "Lundgren",
    "Sjöberg",
    "Hedlund",
    "Forsberg",
    "Nordin",
    "Ek",
    "Wikström",
    "Holm",
    "Sandberg",
    "Lindberg",
    "Berglund",
    "Strand",
    "Öberg",
]


def read_pilot(path: Path = PILOT_CSV) -> dict[str, dict]:
    cases: dict[str, dict] = defaultdict(lambda: {"services": []})
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            case = cases[row["case_id"]]
            case.update(
                sex=row["sex"],
                lives_alone=row["lives_alone"] == "1",
                joint=row["joint_assessment"] == "1",
            )
            case["services"].append(
                (
                    row["service"],
                    int(row["applied_minutes_per_week"]),
                    int(row["granted_minutes_per_week"]),
                )
            )
            if row["safety_alarm_applied"] == "1":
                case["alarm"] = True
    return dict(cases)


@transaction.atomic
def load_pilot_cohort(
    *, officer: User, therapist: User, decided_on: datetime.date, seed: int = 2014
) -> list[Application]:
    """Create the 14 cases, decided on ``decided_on`` in track 2 (idempotent per citizen)."""
    rng = random.Random(seed)  # noqa: S311 - fictional demo data, not security
    catalogue = {service.code: service for service in ServiceType.objects.all()}
    applications = []
    for index, (case_id, case) in enumerate(
        sorted(read_pilot().items(), key=lambda item: int(item[0]))
    ):
        born = datetime.date(1930 + rng.randint(0, 15), rng.randint(1, 12), rng.randint(1, 28))
        number = personal_number(born, serial=random_serial(rng, male=case["sex"] == "M"))
        citizen, _ = Citizen.objects.get_or_create(
            personal_number=number,
            defaults={
                "first_name": FIRST_NAMES[case["sex"]][index % len(FIRST_NAMES[case["sex"]])],
                "last_name": LAST_NAMES[index % len(LAST_NAMES)],
                "sex": case["sex"],
                "birth_date": born,
                "lives_alone": case["lives_alone"],
                "team": officer.team,
                "city": "Timrå",
            },
        )
        application, created = Application.objects.get_or_create(
            citizen=citizen,
            import_key=f"pilot:{case_id}",
            defaults={
                "received_on": decided_on - datetime.timedelta(days=45),
                "channel": "phone",
                "case_officer": officer,
                "therapist": therapist,
                "team": officer.team,
                "status": Application.Status.DECIDED,
            },
        )
        applications.append(application)
        if not created:
            continue
        services = list(case["services"])
        if case.get("alarm"):
            services.append(("trygghetslarm", None, None))
        AppliedService.objects.bulk_create(
            AppliedService(
                application=application, service=catalogue[code], minutes_per_week=applied
            )
            for code, applied, _granted in services
        )
        if case["joint"]:
            JointVisit.objects.create(
                application=application,
                case_officer=officer,
                therapist=therapist,
                scheduled_at=datetime.datetime.combine(
                    decided_on - datetime.timedelta(days=30), datetime.time(10), tzinfo=datetime.UTC
                ),
                status=JointVisit.Status.DONE,
                potential_for_independence=True,
            )
        TrackAssignment.objects.create(
            application=application, proposed=2, track=2, confirmed_by=therapist
        )
        decision = Decision.objects.create(
            application=application, decided_on=decided_on, decided_by=officer
        )
        GrantedService.objects.bulk_create(
            GrantedService(decision=decision, service=catalogue[code], minutes_per_week=granted)
            for code, _applied, granted in services
            if granted is None or granted > 0
        )
    return applications
