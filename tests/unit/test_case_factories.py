"""The service-built case helpers of tests/factories.py reach the states they name."""

import pytest

from assessments.models import Application
from followup.models import FollowUp
from tests.factories import case_in_track, decided_case, follow_up_due, intervention

pytestmark = pytest.mark.django_db


def test_a_case_in_track_has_its_confirmed_track_and_takes_interventions(officer, therapist):
    application = case_in_track(officer=officer, therapist=therapist)
    assert application.status == Application.Status.IN_TRACK
    assert application.track_assignment.confirmed_by == therapist
    done = intervention(application, actor=therapist, minutes=45)
    assert (done.minutes, done.performed_by) == (45, therapist)


def test_a_decided_case_grants_what_was_asked_for_unless_told(officer, therapist):
    application = decided_case(officer=officer, therapist=therapist, granted=[("dusch", 30)])
    assert application.status == Application.Status.DECIDED
    granted = application.decision.granted_services.values_list("service__code", "minutes_per_week")
    assert list(granted) == [("dusch", 30)]


def test_a_due_follow_up_puts_its_case_in_the_queue(officer, therapist):
    follow_up = follow_up_due(officer=officer, therapist=therapist)
    assert (follow_up.months, follow_up.status) == (3, FollowUp.Status.DUE)
    assert follow_up.application.status == Application.Status.FOLLOW_UP_DUE
