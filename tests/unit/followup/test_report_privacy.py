"""Follow-up reports stay within their reader's remit: a manager's own team, whole calendar
half-years that cannot be subtracted from each other, and a clear word when the job service
is down."""

import datetime
import itertools

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from followup import tasks
from followup.models import ReportRequest
from followup.reports import job, ordering, periods
from rehab.models import AccessLogEntry
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

H1_2026 = {"period_start": datetime.date(2026, 1, 1), "period_end": datetime.date(2026, 6, 30)}


@pytest.fixture
def team():
    return TeamFactory(name="Team Norr")


@pytest.fixture
def other_team():
    return TeamFactory(name="Team Söder")


@pytest.fixture
def manager(team):
    return UserFactory(manager=True, team=team)


def set_today(monkeypatch, day: datetime.date) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


def order(user, teams, **overrides):
    parameters = {**H1_2026, "team_ids": [team.pk for team in teams], "tracks": [2]}
    parameters.update(overrides)
    return ordering.order_report(user=user, **parameters)


# --- whose teams ----------------------------------------------------------------------------


def test_a_manager_cannot_order_a_report_for_another_team(manager, team, other_team):
    with pytest.raises(ValidationError) as refused:
        order(manager, [other_team])
    assert refused.value.message_dict == {
        "team": ["Du kan bara beställa rapporter för ditt eget team."]
    }
    assert ReportRequest.objects.count() == 0
    assert list(order(manager, [team]).teams.all()) == [team]


def test_an_administrator_orders_for_any_team_one_at_a_time(team, other_team):
    admin = UserFactory(admin=True, team=team)
    assert list(order(admin, [other_team]).teams.all()) == [other_team]
    # Two teams together, less one of them, would give the other (ADR 0013).
    with pytest.raises(ValidationError) as refused:
        order(admin, [team, other_team])
    assert refused.value.message_dict == {"team": ["En rapport gäller ett team."]}


@pytest.mark.parametrize("tracks", [[], [1, 2], [1, 2, 3]])
def test_a_report_covers_exactly_one_track(manager, team, tracks):
    # All tracks less one, or two tracks less one, would give the rest (ADR 0013).
    with pytest.raises(ValidationError) as refused:
        order(manager, [team], tracks=tracks)
    assert refused.value.message_dict == {"track": ["En rapport gäller ett spår."]}
    assert ReportRequest.objects.count() == 0


def test_the_form_offers_the_managers_own_team_only_and_preselects_it(
    client, manager, team, other_team
):
    client.force_login(manager)
    form = client.get(reverse("followup:report_order")).context["form"]
    assert list(form.fields["team"].queryset) == [team]
    assert form.fields["team"].initial == team.pk
    response = client.post(
        reverse("followup:report_order"), {"period": "2026H1", "team": other_team.pk, "track": 2}
    )
    assert response.status_code == 200
    assert "team" in response.context["form"].errors
    assert ReportRequest.objects.count() == 0


def test_the_form_offers_an_administrator_every_team_and_preselects_none(client, team, other_team):
    client.force_login(UserFactory(admin=True, team=team))
    form = client.get(reverse("followup:report_order")).context["form"]
    assert set(form.fields["team"].queryset) == {team, other_team}
    assert not form.fields["team"].initial


# --- periods that cannot be subtracted from each other --------------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime.date(2026, 2, 1), datetime.date(2026, 6, 30)),  # overlaps January–June
        (datetime.date(2026, 1, 1), datetime.date(2026, 1, 31)),  # a month inside it
        (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),  # a quarter inside it
        (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),  # a year around it
        (datetime.date(2026, 4, 1), datetime.date(2026, 9, 30)),  # across two half-years
        (datetime.date(2025, 12, 2), datetime.date(2026, 6, 30)),
    ],
)
def test_a_free_or_overlapping_period_is_refused(manager, team, start, end):
    with pytest.raises(ValidationError) as refused:
        order(manager, [team], period_start=start, period_end=end)
    assert "period" in refused.value.message_dict
    assert ReportRequest.objects.count() == 0


def test_a_half_year_that_has_not_ended_is_refused(manager, team, monkeypatch):
    set_today(monkeypatch, datetime.date(2026, 6, 30))
    with pytest.raises(ValidationError) as refused:
        order(manager, [team])
    assert "period" in refused.value.message_dict
    set_today(monkeypatch, datetime.date(2026, 7, 1))
    assert order(manager, [team]).period_end == datetime.date(2026, 6, 30)


def test_two_reportable_periods_are_either_the_same_or_disjoint():
    offered = periods.ended_periods(datetime.date(2026, 12, 1), count=20)
    assert [period.key for period in offered[:3]] == ["2026H1", "2025H2", "2025H1"]
    for first, second in itertools.combinations(offered, 2):
        assert first.end < second.start or second.end < first.start
    # Back to back: together they cover every day, so none is a difference of others.
    for newer, older in itertools.pairwise(offered):
        assert older.end + datetime.timedelta(days=1) == newer.start


def test_the_form_offers_ended_half_years_instead_of_free_dates(client, manager, monkeypatch):
    set_today(monkeypatch, datetime.date(2026, 8, 15))
    client.force_login(manager)
    page = client.get(reverse("followup:report_order"))
    form = page.context["form"]
    assert "period_start" not in form.fields
    assert [key for key, _label in form.fields["period"].choices][:2] == ["2026H1", "2025H2"]
    assert form.fields["period"].initial == "2026H1"
    assert "januari–juni 2026" in page.content.decode()


# --- the job service down ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_ordering_while_the_job_service_is_down_says_the_report_waits(
    client, manager, team, monkeypatch
):
    def down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(ordering.current_app, "send_task", down)
    client.force_login(manager)
    response = client.post(
        reverse("followup:report_order"),
        {"period": "2026H1", "team": team.pk, "track": 2},
        follow=True,
    )
    page = response.content.decode()
    assert "jobbtjänsten" in page
    assert "Rapporten är beställd. Den visas i listan nedan." not in page
    assert ReportRequest.objects.get().status == ReportRequest.Status.QUEUED


@pytest.mark.django_db(transaction=True)
def test_ordering_with_the_job_service_up_says_it_is_ordered(client, manager, team, monkeypatch):
    sent = []
    monkeypatch.setattr(ordering.current_app, "send_task", lambda *a, **k: sent.append(a))
    client.force_login(manager)
    response = client.post(
        reverse("followup:report_order"),
        {"period": "2026H1", "team": team.pk, "track": 2},
        follow=True,
    )
    assert "jobbtjänsten" not in response.content.decode()
    assert len(sent) == 1


# --- report files are kept for a retention period ------------------------------------------


def made_report(manager, team, *, days_ago: int) -> ReportRequest:
    report = order(manager, [team])
    report.file.save("uppfoljningsrapport-test.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    report.status = ReportRequest.Status.DONE
    report.finished_at = timezone.now() - datetime.timedelta(days=days_ago)
    report.save()
    return report


def test_report_files_older_than_the_retention_period_are_deleted(manager, team):
    assert settings.SAMREHAB_REPORT_RETENTION_DAYS == 90
    old = made_report(manager, team, days_ago=91)
    recent = made_report(UserFactory(manager=True, team=team), team, days_ago=89)
    old_name, storage = old.file.name, old.file.storage
    assert storage.exists(old_name)

    assert job.expire_reports() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, old.file.name) == (ReportRequest.Status.EXPIRED, "")
    assert not storage.exists(old_name)
    assert recent.status == ReportRequest.Status.DONE
    assert storage.exists(recent.file.name)
    assert job.expire_reports() == 0  # a second run changes nothing


def test_the_retention_job_runs_daily_from_beat():
    entry = next(
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == tasks.expire_reports.name
    )
    assert entry["schedule"] == 24 * 3600


def test_an_expired_report_says_so_and_can_be_ordered_again(client, manager, team):
    report = made_report(manager, team, days_ago=100)
    tasks.expire_reports()
    client.force_login(manager)
    response = client.get(reverse("followup:report_download", args=[report.public_id]))
    assert response.status_code == 410
    page = response.content.decode()
    assert "Rapporten har gått ut" in page
    assert "sparas i 90 dagar" in page
    listing = client.get(reverse("followup:report_order")).content.decode()
    assert "Utgången: filen är raderad." in listing
    again = order(manager, [team])
    assert again.pk != report.pk
    assert again.status == ReportRequest.Status.QUEUED
    assert AccessLogEntry.objects.count() == 0
