import datetime

import pytest
from django.core.management import call_command
from django.db.models import Sum

from assessments.identity import parse_identity_number
from assessments.models import AppliedService, Citizen, GrantedService
from followup.models import FollowUp

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
    assert FollowUp.objects.count() == 0  # scheduled by the daily job, not by the loader
