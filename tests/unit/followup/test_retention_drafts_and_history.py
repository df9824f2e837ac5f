"""Gallring takes what was typed at the visit but never saved, and the interventions'
change history, with the rest of the citizen's data."""

import datetime

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import VisitDraft
from followup import services as followup_services
from followup.models import CaseClosure
from followup.retention import retention_run
from tests import factories
from tests.support import flow
from tracks import services as track_services
from tracks.models import Intervention

pytestmark = pytest.mark.django_db


def test_drafts_and_intervention_history_go_with_the_citizen(officer, therapist):
    application = factories.case_in_track(officer=officer, therapist=therapist)
    visit = application.visits.get()
    services.joint_visit_draft_save(
        visit=visit,
        user=therapist,
        data={"bathroom": "Badkar, halkigt"},
        expected_version=visit.version,
    )
    done = factories.intervention(application, actor=therapist, notes="Tränade med dottern Eva")
    track_services.intervention_update(
        intervention=done,
        actor=therapist,
        expected_version=done.version,
        performed_on=done.performed_on,
        minutes=60,
        kind=done.kind,
        notes="Tränade med dottern Eva Lind",
    )
    flow.hand_over_basis(application, therapist=therapist)
    flow.decide(application, officer=officer)
    item = application.follow_ups.order_by("months").first()
    followup_services.follow_up_record(
        follow_up=item,
        actor=officer,
        expected_version=item.version,
        services=[],
        early_reason="Medborgaren ringde",
        close_reason=CaseClosure.Reason.NEEDS_ENDED,
    )
    assert VisitDraft.objects.count() == 1
    assert Intervention.history.filter(application_id=application.pk).count() == 2

    six_years_on = timezone.localdate() + datetime.timedelta(days=6 * 366)
    assert retention_run(today=six_years_on, dry_run=False).citizens == 1
    assert VisitDraft.objects.count() == 0
    assert Intervention.history.filter(application_id=application.pk).count() == 0
    assert Intervention.objects.get().notes == ""
