"""Time rendering one assessment basis PDF (bedömningsunderlag) with WeasyPrint.

.venv/bin/python bench/pdf_assessment_basis.py [--runs 20]

A case with a completed joint visit, goals, needs in every life area, six instruments and a
written basis is made in a temporary SQLite database; the PDF is then rendered ``--runs``
times (after one warm-up for fonts) and the median and worst times are printed.
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_case():
    from django.utils import timezone

    from assessments import services
    from assessments.models import LifeArea, ServiceType
    from rehab.demo import ensure_demo_users

    users = {user.username: user for user in ensure_demo_users()}
    officer, therapist = users["handlaggare"], users["arbetsterapeut"]
    codes = {service.code: service for service in ServiceType.objects.all()}
    citizen = services.citizen_create(
        personal_number="19400307-3428",
        team=officer.team,
        first_name="Astrid",
        last_name="Lind",
    )
    application = services.application_create(
        citizen=citizen,
        received_on=timezone.localdate(),
        channel="phone",
        case_officer=officer,
        therapist=therapist,
        services=[
            services.ServiceRequest(codes["stad"], 60),
            services.ServiceRequest(codes["dusch"], 45),
        ],
    )
    visit = services.joint_visit_book(
        application=application,
        scheduled_at=timezone.now() + datetime.timedelta(days=1),
        case_officer=officer,
        therapist=therapist,
        expected_version=application.version,
    )
    services.joint_visit_record(
        visit=visit,
        expected_version=visit.version,
        actor=therapist,
        goals=[services.GoalInput(f"Mål {n}: klara vardagen själv") for n in range(5)],
        needs={area: "Behöver stöd och träning. " * 5 for area in LifeArea.objects.all()},
        complete=True,
        potential_for_independence=True,
        motivated_to_train=True,
        potential_reasoning="Motiverad och har förutsättningar.",
        housing="Lägenhet " * 20,
        bathroom="Badkar " * 20,
        stairs="Hiss",
        network="Dotter",
    )
    answers = {
        "downton": {
            "previous_falls": "yes",
            "medications": ["diuretics"],
            "sensory_deficits": ["visual"],
            "mental_state": "oriented",
            "gait": "safe_with_aids",
        },
        "fes_i": {f"item_{n}": 2 for n in range(1, 17)},
        "fes_s": {f"item_{n}": 7 for n in range(1, 14)},
        "tug": {"seconds": "14.2", "walking_aid_used": True},
        "eq5d5l": {
            "mobility": 2,
            "self_care": 1,
            "usual_activities": 3,
            "pain_discomfort": 2,
            "anxiety_depression": 1,
            "vas": 65,
        },
        "trajectory": {"trajectory": 2},
    }
    for code, values in answers.items():
        services.instrument_record(
            application=application, instrument=code, answers=values, actor=therapist
        )
    services.assessment_basis_save(
        application=application,
        actor=therapist,
        summary="Sammanfattning. " * 60,
        recommended_measures="Duschpall och stödhandtag. " * 10,
        expected_version=None,
        hand_over=True,
    )
    application.refresh_from_db()
    return application


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="samrehab-bench-") as folder:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        os.environ["DJANGO_SETTINGS_MODULE"] = "rehab.settings.local"
        sys.path.insert(0, str(ROOT))

        import django

        django.setup()
        from django.core.management import call_command

        from assessments.documents import assessment_basis_pdf

        call_command("migrate", verbosity=0, interactive=False)
        application = make_case()
        size = len(assessment_basis_pdf(application=application))  # warm-up: fonts
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            assessment_basis_pdf(application=application)
            times.append(time.perf_counter() - started)

    print(f"assessment basis PDF: {size / 1024:.0f} KiB, {args.runs} renders")
    print(
        f"median {statistics.median(times) * 1000:.0f} ms, "
        f"worst {max(times) * 1000:.0f} ms (target: under 1000 ms)"
    )


if __name__ == "__main__":
    main()
