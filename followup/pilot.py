"""The demo's pilot cohort: 14 fictional track 2 cases consistent with the published Timrå
pilot (790 minutes per week saved, 68 % of applied minutes needed). Managers use it to see
a report whose figures they can check against the published ones."""

import csv
import datetime
import random
from collections import defaultdict
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments import services as assessment_services
from assessments.demo_data import (
    at,
    decision_line,
    default_legal_basis,
    personal_number,
    random_serial,
)
from assessments.models import Application, Citizen, ServiceType
from rehab.models import User
from tracks import selectors as track_selectors
from tracks import services as track_services

from .demo import on_day

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


OVERRIDE_REASON = "Pilotens spår: alla i kohorten följdes i spår 2."


@transaction.atomic
def load_pilot_cohort(
    *, officer: User, therapist: User, decided_on: datetime.date, seed: int = 2014
) -> list[Application]:
    """Create the 14 cases, decided on ``decided_on`` in track 2 (idempotent per citizen).

    Each case is walked through the services as the pages walk it, with the clock on each
    step's day (``followup.demo.on_day``): received 45 days before the decision, the home
    visit done 30 days before, track 2 confirmed, the assessment basis handed over three
    days before and the decision recorded with the granted minutes of the pilot file; the
    decision schedules the follow-ups."""
    if decided_on > timezone.localdate():
        raise ValidationError("The pilot's decision date cannot be in the future.")
    rng = random.Random(seed)  # noqa: S311 - fictional demo data, not security
    catalogue = {service.code: service for service in ServiceType.objects.all()}
    legal_basis = default_legal_basis()
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
        existing = Application.objects.filter(
            citizen=citizen, import_key=f"pilot:{case_id}"
        ).first()
        if existing is not None:
            applications.append(existing)
            continue
        services = list(case["services"])
        if case.get("alarm"):
            services.append(("trygghetslarm", None, None))
        applications.append(
            _walk_pilot_case(
                citizen=citizen,
                case_id=case_id,
                joint=case["joint"],
                lines=[(catalogue[code], applied, granted) for code, applied, granted in services],
                officer=officer,
                therapist=therapist,
                decided_on=decided_on,
                legal_basis=legal_basis,
            )
        )
    return applications


def _walk_pilot_case(
    *, citizen, case_id, joint, lines, officer, therapist, decided_on, legal_basis
) -> Application:
    received_on = decided_on - datetime.timedelta(days=45)
    visit_day = decided_on - datetime.timedelta(days=30)
    handed_over_on = decided_on - datetime.timedelta(days=3)
    with on_day(at(received_on, 9)):
        application = assessment_services.application_create(
            citizen=citizen,
            received_on=received_on,
            channel=Application.Channel.PHONE,
            case_officer=officer,
            therapist=therapist,
            services=[
                assessment_services.ServiceRequest(service, applied)
                for service, applied, _granted in lines
            ],
            import_key=f"pilot:{case_id}",
        )
    with on_day(at(received_on, 10)):
        visit = assessment_services.joint_visit_book(
            application=application,
            scheduled_at=at(visit_day, 10),
            case_officer=officer,
            therapist=therapist,
            expected_version=application.version,
        )
    with on_day(at(visit_day, 15)):
        visit.refresh_from_db()
        assessment_services.joint_visit_record(
            visit=visit,
            expected_version=visit.version,
            actor=therapist,
            goals=[assessment_services.GoalInput("Klara personlig hygien själv")],
            needs={},
            complete=True,
            potential_for_independence=True,
            motivated_to_train=True,
            potential_reasoning="Vill och kan träna förflyttning och dusch.",
            case_officer_attended=joint,
        )
    application.refresh_from_db()
    with on_day(at(visit_day, 16)):
        proposal = track_selectors.proposal_from(
            application, track_selectors.latest_done_visit(application)
        )
        track_services.track_confirm(
            application=application,
            actor=therapist,
            track=2,
            override_reason="" if proposal.track == 2 else OVERRIDE_REASON,
            expected_version=application.version,
        )
    with on_day(at(handed_over_on, 16)):
        assessment_services.assessment_basis_save(
            application=application,
            actor=therapist,
            summary="Träning i vardagen i spår 2 enligt piloten.",
            recommended_measures="Insatser enligt de beviljade minuterna.",
            expected_version=None,
            hand_over=True,
        )
    with on_day(at(decided_on, 16)):
        assessment_services.decision_record(
            application=application,
            actor=officer,
            decided_on=decided_on,
            granted=[
                assessment_services.ServiceDecision(
                    service, *decision_line(service, applied, granted)
                )
                for service, applied, granted in lines
            ],
            legal_basis=legal_basis,
        )
    application.refresh_from_db()
    return application
