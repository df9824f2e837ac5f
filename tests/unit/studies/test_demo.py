import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from studies.demo import DEMO_STUDY
from studies.models import Study
from tests.unit.studies.helpers import granted_case

pytestmark = pytest.mark.django_db


def test_the_demo_study_is_defined_and_drawn_once(officer, therapist, demo_users):
    granted_case(
        officer=officer,
        therapist=therapist,
        decided_on=timezone.localdate() - datetime.timedelta(days=120),
    )
    call_command("load_demo_study")
    call_command("load_demo_study")
    study = Study.objects.get()
    assert study.name == DEMO_STUDY
    assert study.sample_size == 10
    assert study.sampled_cases.count() == 1
