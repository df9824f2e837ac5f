import datetime
import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import demo_data
from assessments.identity import parse_identity_number
from assessments.integrity import untruthful_cases
from assessments.models import Application, AppliedService, Citizen, JointVisit
from rehab.demo import DEMO_TEAM
from rehab.models import User
from tests.factories import (
    ApplicationFactory,
    AppliedServiceFactory,
    CitizenFactory,
    JointVisitFactory,
    ProtectedIdentityGrantFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FICTIONAL_PHONE = re.compile(r"^070-174 06 (\d\d)$")


def _numbers() -> list[str]:
    return list(Citizen.objects.order_by("pk").values_list("personal_number", flat=True))


def _generate(citizens: int, seed: int) -> demo_data.GenerationResult:
    return demo_data.generate(citizens=citizens, seed=seed)


@pytest.fixture
def generated():
    return _generate(200, seed=7)


def test_check_digit_matches_a_published_example():
    # Skatteverket's example number 811218-9876.
    assert demo_data.luhn_check_digit("811218987") == 6
    assert demo_data.personal_number(datetime.date(1981, 12, 18), serial=987) == "198112189876"


def test_coordination_number_adds_sixty_to_the_day():
    number = demo_data.personal_number(datetime.date(1940, 3, 9), serial=123, coordination=True)
    identity = parse_identity_number(number)
    assert number[6:8] == "69"
    assert identity.is_coordination_number
    assert identity.birth_date == datetime.date(1940, 3, 9)


def test_the_same_seed_gives_the_same_citizens_and_another_seed_other_ones():
    _generate(50, seed=1)
    first = _numbers()
    first_ids = list(Citizen.objects.order_by("pk").values_list("public_id", flat=True))
    Citizen.objects.all().delete()

    _generate(50, seed=1)
    assert _numbers() == first
    assert list(Citizen.objects.order_by("pk").values_list("public_id", flat=True)) == first_ids
    Citizen.objects.all().delete()

    _generate(50, seed=2)
    assert _numbers() != first


def test_every_number_is_valid_unique_and_matches_sex_and_birth_date(generated):
    citizens = list(Citizen.objects.all())
    assert len(citizens) == 200
    assert len({c.personal_number for c in citizens}) == 200
    today = timezone.localdate()
    for citizen in citizens:
        identity = parse_identity_number(citizen.personal_number)
        assert identity.normalised == citizen.personal_number
        assert identity.birth_date == citizen.birth_date
        assert identity.is_coordination_number == citizen.is_coordination_number
        male = int(citizen.personal_number[-2]) % 2 == 1
        assert citizen.sex == (Citizen.Sex.MALE if male else Citizen.Sex.FEMALE)
        assert identity.is_female == (not male)
        age = (today - citizen.birth_date).days / 365.25
        assert 65 <= age < 101


def test_addresses_phone_numbers_and_household_look_real(generated):
    citizens = list(Citizen.objects.all())
    towns = {town for town, _, _ in demo_data.TOWNS}
    for citizen in citizens:
        assert re.fullmatch(r"\d{3} \d{2}", citizen.postal_code)
        assert citizen.city in towns
        assert re.fullmatch(r"\D+ \d+.*", citizen.street_address)
        for phone in filter(None, [citizen.phone, citizen.next_of_kin_phone]):
            match = FICTIONAL_PHONE.match(phone)
            assert match, phone
            assert 5 <= int(match[1]) <= 99
        assert bool(citizen.next_of_kin_name) == bool(citizen.next_of_kin_relation)
    alone = sum(c.lives_alone for c in citizens) / len(citizens)
    with_kin = sum(bool(c.next_of_kin_name) for c in citizens) / len(citizens)
    assert 0.45 < alone < 0.75
    assert 0.35 < with_kin < 0.65


def test_applied_services_follow_the_catalogue(generated):
    applications = Application.objects.prefetch_related("applied_services__service")
    assert 200 <= len(applications) <= 300
    for application in applications:
        services = list(application.applied_services.all())
        assert 1 <= len(services) <= 4
        for applied in services:
            if applied.service.has_minutes:
                assert 15 <= applied.minutes_per_week <= 210
                assert applied.minutes_per_week % 5 == 0
            else:
                assert applied.minutes_per_week is None
    assert AppliedService.objects.filter(
        service__code="trygghetslarm", minutes_per_week__isnull=True
    ).exists()


def test_applications_are_spread_over_statuses_staff_and_time(generated):
    applications = list(Application.objects.select_related("case_officer", "therapist", "team"))
    today = timezone.localdate()
    statuses = Counter(a.status for a in applications)
    assert set(statuses) == set(Application.Status.values)
    assert len({a.case_officer_id for a in applications}) >= 3
    for application in applications:
        assert application.team.name == DEMO_TEAM
        assert application.case_officer.team_id == application.team_id
        # At most: decided 8 months ago, up to 10 days after the handover, a track of up to
        # 60 days, a visit up to 5 (and a weekend) before it, received up to 14 before that.
        assert 0 <= (today - application.received_on).days <= 340
        assert (application.therapist is None) == (application.status == "received")
    after_stay = sum(a.after_inpatient_stay for a in applications) / len(applications)
    assert 0.12 < after_stay < 0.4


def test_visit_booked_applications_have_a_joint_visit_some_of_them_overdue(generated):
    booked = Application.objects.filter(status=Application.Status.VISIT_BOOKED)
    now = timezone.now()
    overdue = 0
    for application in booked.prefetch_related("visits"):
        (visit,) = [v for v in application.visits.all() if v.status == JointVisit.Status.BOOKED]
        assert visit.case_officer_id == application.case_officer_id
        assert visit.therapist_id == application.therapist_id
        assert timezone.localtime(visit.scheduled_at).date() >= application.received_on
        overdue += visit.scheduled_at < now
    assert booked.count() > 10
    assert 0 < overdue < booked.count()


def test_every_generated_case_has_the_records_of_its_status(generated):
    assert untruthful_cases() == []
    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses == {
        "received",
        "visit_booked",
        "assessed",
        "in_track",
        "awaiting_decision",
        "decided",
        "follow_up_due",
        "closed",
    }


def test_generated_dates_run_in_order_up_to_today(generated):
    today = timezone.localdate()
    for application in Application.objects.prefetch_related(
        "visits", "interventions", "follow_ups"
    ).select_related("decision", "assessment_basis", "closure"):
        (visit,) = application.visits.all() or [None]
        if visit is None:
            assert application.status == "received"
            continue
        visit_on = timezone.localdate(visit.scheduled_at)
        assert visit_on >= application.received_on
        if visit.status == JointVisit.Status.DONE:
            assert visit_on <= today
        for intervention in application.interventions.all():
            assert visit_on <= intervention.performed_on <= today
        decision = getattr(application, "decision", None)
        if decision is None:
            assert not application.follow_ups.all()
            continue
        basis = getattr(application, "assessment_basis", None)
        if basis is not None:
            assert visit_on <= timezone.localdate(basis.handed_over_at) <= decision.decided_on
        assert decision.decided_on <= today
        for follow_up in application.follow_ups.all():
            assert follow_up.due_on > decision.decided_on
            assert (follow_up.status == "scheduled") == (follow_up.due_on > today) or (
                follow_up.status == "done"
            )
            if follow_up.done_on:
                assert decision.decided_on < follow_up.done_on <= today
        closure = getattr(application, "closure", None)
        if closure is not None:
            assert application.status == "closed"
            assert decision.decided_on < closure.closed_on <= today


def test_the_check_names_a_case_whose_status_lacks_its_records(generated):
    in_track = Application.objects.filter(status="in_track").order_by("pk").first()
    in_track.track_assignment.delete()
    decided = Application.objects.filter(status="decided").order_by("pk").first()
    decided.decision.__class__.objects.filter(pk=decided.decision.pk).update(
        decided_on=decided.received_on - datetime.timedelta(days=1)
    )
    found = {case.application_id: [str(m) for m in case.missing] for case in untruthful_cases()}
    assert found == {
        in_track.pk: ["ett bekräftat spår"],
        decided.pk: [
            "beslutet tidigast den dag ansökan kom in",
            "beslutet tidigast vid det gemensamma besöket och överlämnandet, om det inte är "
            "brådskande",
        ],
    }
    out = StringIO()
    with pytest.raises(CommandError, match=r"^2 of \d+ cases do not match their status\.$"):
        call_command("check_cases", stdout=out)
    assert f"{in_track.public_id} (in_track): ett bekräftat spår" in out.getvalue()


def test_the_check_reads_every_case_in_a_fixed_number_of_queries(generated):
    with CaptureQueriesContext(connection) as queries:
        untruthful_cases()
    # Eight for the facts, three for the later stages' dates, one for the work queue's
    # columns, one for the public ids.
    assert len(queries) == 13


def test_extra_colleagues_join_the_demo_team(generated):
    team_members = set(User.objects.filter(team__name=DEMO_TEAM).values_list("username", flat=True))
    assert {"handlaggare", "handlaggare2", "handlaggare3"} <= team_members
    assert {"arbetsterapeut", "arbetsterapeut2", "arbetsterapeut3"} <= team_members
    assert not User.objects.get(username="handlaggare2").has_usable_password()


def test_if_empty_is_idempotent():
    out = StringIO()
    call_command("generate_data", citizens=30, seed=3, if_empty=True, stdout=out)
    assert re.search(r"Generated 30 citizens, \d+ applications in [\d.]+ s", out.getvalue())
    assert untruthful_cases() == []
    numbers = _numbers()
    applications = Application.objects.count()

    call_command("generate_data", citizens=30, seed=3, if_empty=True, stdout=StringIO())
    assert _numbers() == numbers
    assert Application.objects.count() == applications

    # The demo set-up adds the pilot cohort once; running it again adds nothing.
    call_command("setup_demo", citizens=30, seed=3, stdout=StringIO())
    with_pilot = (_numbers(), Application.objects.count())
    assert with_pilot[1] == applications + 14
    call_command("setup_demo", citizens=30, seed=3, stdout=StringIO())
    assert (_numbers(), Application.objects.count()) == with_pilot


def test_a_second_run_without_if_empty_adds_new_citizens():
    _generate(20, seed=1)
    _generate(20, seed=1)
    assert Citizen.objects.count() == 40
    assert len(set(_numbers())) == 40


def test_factories_build_valid_swedish_records():
    citizens = CitizenFactory.create_batch(20)
    for citizen in citizens:
        identity = parse_identity_number(citizen.personal_number)
        assert identity.birth_date == citizen.birth_date
        assert identity.is_female == (citizen.sex == Citizen.Sex.FEMALE)
    visit = JointVisitFactory()
    assert visit.application.status == Application.Status.VISIT_BOOKED
    assert visit.therapist.groups.filter(name="therapist").exists()
    application = ApplicationFactory(services=["trygghetslarm", "dusch"])
    minutes = dict(application.applied_services.values_list("service__code", "minutes_per_week"))
    assert minutes["trygghetslarm"] is None
    assert minutes["dusch"] % 5 == 0
    applied = AppliedServiceFactory()
    assert applied.application.team_id == applied.application.citizen.team_id
    grant = ProtectedIdentityGrantFactory()
    assert grant.citizen.protected_identity
    assert grant.user.team_id == grant.citizen.team_id
    assert UserFactory(case_officer=True).groups.get().name == "case_officer"
