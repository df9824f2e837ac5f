"""Gallring: citizens whose cases all closed longer ago than RETENTION_YEARS are anonymised,
with the statistics and the access log left exactly as they were."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from assessments.identity import parse_identity_number
from assessments.models import (
    Application,
    AppliedService,
    Citizen,
    Decision,
    Goal,
    GrantedService,
    JointVisit,
    ServiceType,
)
from followup.models import CaseClosure, FollowUp
from followup.retention import retention_run
from followup.tasks import retention_job
from rehab.models import AccessLogEntry
from tests.factories import ApplicationFactory, CitizenFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2031, 3, 15)


def years_ago(years: int) -> datetime.date:
    return TODAY.replace(year=TODAY.year - years)


def make_case(officer, *, closed_on=None, citizen=None) -> Application:
    """An application with services, a visit, a goal, a decision and a follow-up; closed on
    ``closed_on`` (or left open when None)."""
    citizen = citizen or CitizenFactory(team=officer.team)
    received = (closed_on or TODAY) - datetime.timedelta(days=120)
    application = ApplicationFactory(
        citizen=citizen,
        case_officer=officer,
        received_on=received,
        existing_services="Hemtjänst via dottern Karin",
        status=Application.Status.CLOSED if closed_on else Application.Status.DECIDED,
    )
    dusch = ServiceType.objects.get(code="dusch")
    AppliedService.objects.create(application=application, service=dusch, minutes_per_week=60)
    JointVisit.objects.create(
        application=application,
        scheduled_at=timezone.make_aware(datetime.datetime.combine(received, datetime.time(10))),
        case_officer=officer,
        therapist=officer,
        status=JointVisit.Status.DONE,
        housing="Bor på Storgatan 3 med sin katt",
        potential_for_independence=True,
    )
    Goal.objects.create(application=application, text="Kunna duscha själv som förr hos Karin")
    decision = Decision.objects.create(
        application=application,
        decided_on=received + datetime.timedelta(days=30),
        decided_by=officer,
        notes="Dottern Karin ringde",
    )
    GrantedService.objects.create(decision=decision, service=dusch, minutes_per_week=30)
    FollowUp.objects.create(
        application=application,
        months=3,
        due_on=received + datetime.timedelta(days=120),
        status=FollowUp.Status.DONE,
        notes="Karin var med",
    )
    if closed_on:
        CaseClosure.objects.create(
            application=application,
            reason=CaseClosure.Reason.NEEDS_ENDED,
            closed_on=closed_on,
            closed_by=officer,
        )
    return application


def statistics() -> dict:
    return {
        "applications": Application.objects.count(),
        "decisions": Decision.objects.count(),
        "follow_ups": FollowUp.objects.count(),
        "applied": AppliedService.objects.aggregate(m=Sum("minutes_per_week"))["m"],
        "granted": GrantedService.objects.aggregate(m=Sum("minutes_per_week"))["m"],
        "sexes": sorted(Citizen.objects.values_list("sex", flat=True)),
        "birth_years": sorted(c.birth_date.year for c in Citizen.objects.all()),
        "teams": sorted(Citizen.objects.values_list("team_id", flat=True)),
        "statuses": sorted(Application.objects.values_list("status", flat=True)),
    }


def snapshot(citizen: Citizen) -> dict:
    citizen.refresh_from_db()
    return {f.name: getattr(citizen, f.name) for f in Citizen._meta.concrete_fields}


@pytest.fixture
def cases(officer):
    old = make_case(officer, closed_on=years_ago(6))
    recent = make_case(officer, closed_on=years_ago(4))
    # One application closed long ago and one still open: the citizen is kept.
    mixed = make_case(officer, closed_on=years_ago(7))
    make_case(officer, citizen=mixed.citizen)
    return {"old": old.citizen, "recent": recent.citizen, "mixed": mixed.citizen}


def test_the_retention_period_comes_from_the_settings():
    assert settings.SAMREHAB_RETENTION_YEARS == 5


def test_a_case_closed_six_years_ago_is_anonymised(cases, officer):
    old = cases["old"]
    birth_year = old.birth_date.year
    sex, team = old.sex, old.team_id
    result = retention_run(today=TODAY, dry_run=False)
    assert (result.citizens, result.applications) == (1, 1)
    assert result.refs == [str(old.public_id)]
    old.refresh_from_db()
    assert old.first_name == old.last_name == "Gallrad"
    assert old.personal_number == f"G{old.pk:011d}"
    with pytest.raises(ValidationError):
        parse_identity_number(old.personal_number)
    assert (old.street_address, old.postal_code, old.city, old.phone) == ("", "", "", "")
    assert (old.next_of_kin_name, old.next_of_kin_relation, old.next_of_kin_phone) == ("", "", "")
    assert old.birth_date == datetime.date(birth_year, 7, 1)
    assert (old.sex, old.team_id) == (sex, team)
    application = old.applications.get()
    assert application.existing_services == ""
    assert application.visits.get().housing == ""
    assert application.visits.get().potential_for_independence is True
    assert application.goals.get().text == "Gallrad"
    assert application.decision.notes == ""
    assert application.follow_ups.get().notes == ""
    assert application.closure.closed_on == years_ago(6)


def test_recent_cases_and_citizens_with_an_open_application_are_kept(cases):
    before = {key: snapshot(citizen) for key, citizen in cases.items() if key != "old"}
    retention_run(today=TODAY, dry_run=False)
    after = {key: snapshot(cases[key]) for key in before}
    assert after == before
    assert cases["mixed"].applications.filter(existing_services__contains="Karin").count() == 2


def test_a_dry_run_changes_nothing_and_lists_the_ref(cases):
    before = {key: snapshot(citizen) for key, citizen in cases.items()}
    result = retention_run(today=TODAY, dry_run=True)
    assert result.dry_run and (result.citizens, result.applications) == (1, 1)
    assert result.refs == [str(cases["old"].public_id)]
    assert {key: snapshot(citizen) for key, citizen in cases.items()} == before
    assert Goal.objects.filter(text="Gallrad").count() == 0


def test_statistics_stay_intact(cases):
    before = statistics()
    retention_run(today=TODAY, dry_run=False)
    assert statistics() == before


def test_the_access_log_is_untouched(cases, officer):
    for citizen in cases.values():
        AccessLogEntry.objects.create(
            user=officer,
            roles="case_officer",
            citizen_ref=citizen.public_id,
            action="read",
            view="x",
        )
    before = list(AccessLogEntry.objects.order_by("pk").values())
    retention_run(today=TODAY, dry_run=False)
    assert list(AccessLogEntry.objects.order_by("pk").values()) == before


def test_running_twice_is_harmless(cases):
    first = retention_run(today=TODAY, dry_run=False)
    state = snapshot(cases["old"])
    stats = statistics()
    second = retention_run(today=TODAY, dry_run=False)
    assert (first.citizens, second.citizens) == (1, 0)
    assert snapshot(cases["old"]) == state
    assert statistics() == stats


def test_today_defaults_to_the_current_date(cases, monkeypatch):
    frozen = datetime.datetime(2031, 3, 15, 12, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: frozen)
    result = retention_run(dry_run=False)
    assert result.cutoff == datetime.date(2026, 3, 15)
    assert result.refs == [str(cases["old"].public_id)]


def test_the_job_and_the_command_report_counts_only(cases, monkeypatch, capsys):
    frozen = datetime.datetime(2031, 3, 15, 12, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: frozen)
    call_command("retention", "--dry-run")
    out = capsys.readouterr().out
    assert "would anonymise 1 citizens, 1 applications" in out
    assert str(cases["old"].public_id) not in out and cases["old"].last_name not in out
    counts = retention_job.apply().get()
    assert counts["citizens"] == 1 and "refs" not in counts
    call_command("retention")
    assert "anonymised 0 citizens" in capsys.readouterr().out


def test_the_beat_runs_the_job_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["retention"]
    assert entry["task"] == "followup.tasks.retention_job"
    assert entry["schedule"] == 24 * 3600


def test_readme_compose_and_settings_agree_on_the_retention_period():
    import yaml

    base = settings.BASE_DIR
    readme = (base / "README.md").read_text()
    assert "| `RETENTION_YEARS` |" in readme and "| `5` |" in readme.split("`RETENTION_YEARS`")[1]
    compose = yaml.safe_load((base / "docker-compose.yml").read_text())
    assert (
        compose["services"]["worker"]["environment"]["RETENTION_YEARS"] == "${RETENTION_YEARS:-5}"
    )


def test_the_change_history_of_an_anonymised_citizen_goes_too(cases, officer):
    old, recent = cases["old"], cases["recent"]
    Citizen.objects.get(pk=old.pk).save()  # a recorded change that names the citizen
    Citizen.objects.get(pk=recent.pk).save()
    name = old.first_name
    assert Citizen.history.filter(id=old.pk, first_name=name).exists()
    retention_run(today=TODAY, dry_run=False)
    assert not Citizen.history.filter(id=old.pk).exists()
    assert not Application.history.filter(citizen_id=old.pk).exists()
    assert not JointVisit.history.filter(application__citizen_id=old.pk).exists()
    assert Citizen.history.filter(id=recent.pk).exists()  # others keep theirs
