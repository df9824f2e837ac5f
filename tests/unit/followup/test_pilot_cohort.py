import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from assessments.identity import parse_identity_number
from assessments.integrity import untruthful_cases
from assessments.models import Application, AppliedService, Citizen, GrantedService
from followup import indicators
from followup.models import FollowUp
from followup.pilot import load_pilot_cohort
from rehab.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_pilot_cohort_matches_the_published_pilot(demo_users):
    call_command("load_pilot_cohort", decided_on=datetime.date(2026, 10, 1))
    call_command("load_pilot_cohort", decided_on=datetime.date(2026, 10, 1))  # idempotent
    citizens = Citizen.objects.filter(applications__import_key__startswith="pilot:")
    assert citizens.count() == 14
    assert citizens.filter(sex="M").count() == 4
    assert citizens.filter(lives_alone=True).count() == 10
    applied = AppliedService.objects.filter(application__import_key__startswith="pilot:").aggregate(
        total=Sum("minutes_per_week")
    )["total"]
    granted = GrantedService.objects.filter(
        decision__application__import_key__startswith="pilot:"
    ).aggregate(total=Sum("minutes_per_week"))["total"]
    assert applied - granted == 790
    assert (
        AppliedService.objects.filter(
            application__import_key__startswith="pilot:", service__code="trygghetslarm"
        ).count()
        == 10
    )
    for citizen in citizens:
        identity = parse_identity_number(citizen.personal_number)
        assert identity.is_female == (citizen.sex == "K")
    # The decision scheduled the 3- and 6-month follow-ups of each case.
    assert FollowUp.objects.filter(status=FollowUp.Status.SCHEDULED).count() == 28
    assert set(FollowUp.objects.values_list("application__status", flat=True).distinct()) == {
        "decided"
    }
    assert untruthful_cases() == []
    # Every case had its visit done, but in 2 of 14 the case officer did not take part.
    profile = indicators.cohort_profile(
        indicators.Scope(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    )
    assert (profile["people"], profile["joint_assessment"]) == (14, 12)


def test_a_pilot_decided_four_months_ago_has_its_first_follow_up_due(demo_users):
    decided_on = timezone.localdate() - datetime.timedelta(days=125)
    call_command("load_pilot_cohort", decided_on=decided_on, stdout=StringIO())
    pilot = Application.objects.filter(import_key__startswith="pilot:")
    assert set(pilot.values_list("status", flat=True)) == {"follow_up_due"}
    assert sorted(
        FollowUp.objects.filter(application__in=pilot).values_list("months", "status").distinct()
    ) == [(3, "due"), (6, "scheduled")]
    assert untruthful_cases() == []


def test_a_pilot_decision_cannot_be_dated_in_the_future(demo_users):
    officer = User.objects.get(username="handlaggare")
    therapist = User.objects.get(username="arbetsterapeut")
    with pytest.raises(ValidationError, match="cannot be in the future"):
        load_pilot_cohort(
            officer=officer,
            therapist=therapist,
            decided_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert not Application.objects.exists()
