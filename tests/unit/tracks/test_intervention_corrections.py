"""Interventions dated in their window, corrected and removed with history; joint visits
completed on or after their day and corrected until the decision."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from assessments import services as assessment_services
from assessments.models import Application, JointVisit
from assessments.services import ConflictError
from tests.factories import UserFactory, case_in_track, intervention, received_case
from tests.support import flow
from tracks import services
from tracks.models import Intervention

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def days_ago(n: int) -> datetime.date:
    return TODAY() - datetime.timedelta(days=n)


@pytest.fixture
def case(officer, therapist):
    # The joint visit was yesterday (tests/support/flow.py books it then).
    return case_in_track(officer=officer, therapist=therapist)


def test_an_intervention_dated_before_the_joint_visit_is_refused_on_the_date(case, therapist):
    with pytest.raises(ValidationError) as refused:
        intervention(case, actor=therapist, performed_on=days_ago(2))
    with translation.override("en"):
        assert refused.value.message_dict == {
            "performed_on": ["An intervention cannot be dated before the joint home visit."]
        }
    assert intervention(case, actor=therapist, performed_on=days_ago(1)).performed_on == days_ago(1)


def test_the_page_shows_the_date_refusal_next_to_the_date(client, case, therapist):
    client.force_login(therapist)
    response = client.post(
        reverse("tracks:intervention_add", args=[case.public_id]),
        {"performed_on": days_ago(3).isoformat(), "kind": "training", "minutes": "30"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["performed_on"] == [
        "En insats kan inte dateras före det gemensamma hembesöket."
    ]
    assert not Intervention.objects.filter(application=case).exists()


def test_a_correction_keeps_the_earlier_version_in_the_history(case, therapist):
    recorded = intervention(case, actor=therapist, minutes=45)
    services.intervention_update(
        intervention=recorded,
        actor=therapist,
        expected_version=1,
        performed_on=TODAY(),
        minutes=30,
        kind=Intervention.Kind.ADVICE,
        notes="Rättat: 30 minuter",
    )
    recorded.refresh_from_db()
    assert (recorded.minutes, recorded.kind, recorded.version) == (30, "advice", 2)
    history = list(recorded.history.order_by("history_id"))
    assert [(h.history_type, h.minutes, h.history_user) for h in history] == [
        ("+", 45, therapist),
        ("~", 30, therapist),
    ]


def test_a_stale_correction_is_a_conflict_and_writes_nothing(case, therapist):
    recorded = intervention(case, actor=therapist, minutes=45)
    fields = {"performed_on": TODAY(), "kind": Intervention.Kind.TRAINING}
    services.intervention_update(
        intervention=recorded, actor=therapist, expected_version=1, minutes=40, **fields
    )
    with pytest.raises(ConflictError):
        services.intervention_update(
            intervention=Intervention.objects.get(pk=recorded.pk),
            actor=therapist,
            expected_version=1,
            minutes=20,
            **fields,
        )
    assert Intervention.objects.get(pk=recorded.pk).minutes == 40


def test_a_correction_is_dated_after_the_visit_too(case, therapist):
    recorded = intervention(case, actor=therapist)
    with pytest.raises(ValidationError) as refused:
        services.intervention_update(
            intervention=recorded,
            actor=therapist,
            expected_version=1,
            performed_on=days_ago(5),
            minutes=45,
            kind=Intervention.Kind.TRAINING,
        )
    assert set(refused.value.message_dict) == {"performed_on"}


def test_the_sixth_visit_rule_holds_on_a_correction(case, therapist):
    for _ in range(5):
        intervention(case, actor=therapist)
    sixth = intervention(case, actor=therapist, extra_visit_reason="Trappträning återstår")
    with pytest.raises(ValidationError) as refused:
        services.intervention_update(
            intervention=sixth,
            actor=therapist,
            expected_version=1,
            performed_on=TODAY(),
            minutes=45,
            kind=Intervention.Kind.TRAINING,
            extra_visit_reason="",
        )
    assert set(refused.value.message_dict) == {"extra_visit_reason"}
    # The first visit needs no reason, whatever it says.
    first = Intervention.objects.filter(application=case).order_by("pk").first()
    services.intervention_update(
        intervention=first,
        actor=therapist,
        expected_version=1,
        performed_on=TODAY(),
        minutes=15,
        kind=Intervention.Kind.ADVICE,
    )


def test_a_removal_needs_a_reason_and_the_history_keeps_who_when_and_why(case, therapist):
    recorded = intervention(case, actor=therapist, minutes=45)
    pk = recorded.pk
    with pytest.raises(ValidationError) as refused:
        services.intervention_remove(
            intervention=recorded, actor=therapist, expected_version=1, reason="  "
        )
    assert set(refused.value.message_dict) == {"reason"}
    services.intervention_remove(
        intervention=recorded,
        actor=therapist,
        expected_version=1,
        reason="Registrerad på fel brukare",
    )
    assert not Intervention.objects.filter(pk=pk).exists()
    removal = Intervention.history.filter(id=pk).latest()
    assert removal.history_type == "-"
    assert removal.history_user == therapist
    assert removal.history_change_reason == "Registrerad på fel brukare"
    assert removal.minutes == 45


def test_the_assigned_therapist_corrects_a_physios_intervention_but_the_officer_does_not(
    client, officer, therapist
):
    physio = UserFactory(physio=True, team=officer.team)
    application = received_case(officer=officer, therapist=therapist, physio=physio)
    flow.assessed(application, therapist=therapist)
    flow.confirm_track(application, therapist=therapist)
    recorded = intervention(application, actor=physio, minutes=50)
    assert physio.has_perm("tracks.change_intervention", recorded)
    assert therapist.has_perm("tracks.change_intervention", recorded)
    assert not officer.has_perm("tracks.change_intervention", recorded)
    other_therapist = UserFactory(therapist=True, team=officer.team)
    assert not other_therapist.has_perm("tracks.change_intervention", recorded)

    client.force_login(officer)
    page = client.get(reverse("tracks:interventions", args=[application.public_id]))
    assert 'data-testid="intervention-edit"' not in page.content.decode()
    edit_url = reverse("tracks:intervention_edit", args=[application.public_id, recorded.pk])
    assert client.get(edit_url).status_code == 403


def test_the_pages_correct_and_remove_an_intervention(client, case, therapist):
    recorded = intervention(case, actor=therapist, minutes=45)
    client.force_login(therapist)
    page = client.get(reverse("tracks:interventions", args=[case.public_id])).content.decode()
    assert 'data-testid="intervention-edit"' in page and 'data-testid="intervention-remove"' in page

    edit_url = reverse("tracks:intervention_edit", args=[case.public_id, recorded.pk])
    assert client.get(edit_url).status_code == 200
    form = {
        "version": "1",
        "performed_on": TODAY().isoformat(),
        "kind": "advice",
        "minutes": "25",
        "devices_prescribed": "Duschpall",
    }
    assert client.post(edit_url, form).status_code == 302
    recorded.refresh_from_db()
    assert (recorded.minutes, recorded.devices_prescribed) == (25, "Duschpall")

    # The same form again is stale: refused above the form, nothing saved.
    response = client.post(edit_url, {**form, "minutes": "99"})
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["__all__"]] == ["conflict"]
    assert Intervention.objects.get(pk=recorded.pk).minutes == 25

    remove_url = reverse("tracks:intervention_remove", args=[case.public_id, recorded.pk])
    response = client.post(remove_url, {"version": "2", "reason": ""})
    assert response.context["form"].errors["reason"] == ["Ange varför insatsen tas bort."]
    response = client.post(remove_url, {"version": "2", "reason": "Dubbelregistrerad"})
    assert response.status_code == 302
    assert not Intervention.objects.filter(application=case).exists()


def test_an_intervention_of_another_case_is_not_found(client, officer, therapist, case):
    other = case_in_track(officer=officer, therapist=therapist)
    recorded = intervention(other, actor=therapist)
    client.force_login(therapist)
    url = reverse("tracks:intervention_edit", args=[case.public_id, recorded.pk])
    assert client.get(url).status_code == 404


# --- Joint visits: done on or after their day, corrected until the decision -------------------


def test_completing_a_visit_booked_for_tomorrow_is_refused_on_the_form(client, officer, therapist):
    application = received_case(officer=officer, therapist=therapist)
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    visit = flow.book_visit(application, therapist=therapist, scheduled_at=tomorrow)
    client.force_login(therapist)
    response = client.post(
        reverse("assessments:visit_record", args=[application.public_id]),
        {
            "version": visit.version,
            "potential_for_independence": "True",
            "potential_reasoning": "Vill klara duschen själv",
            "housing": "Lägenhet",
            "action": "complete",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Det gemensamma besöket kan markeras som genomfört tidigast den dag det var bokat."
    ]
    visit.refresh_from_db()
    assert (visit.status, visit.housing) == (JointVisit.Status.BOOKED, "")
    application.refresh_from_db()
    assert application.status == Application.Status.VISIT_BOOKED


def _record(visit, actor, **findings):
    return assessment_services.joint_visit_record(
        visit=visit,
        expected_version=visit.version,
        actor=actor,
        goals=[],
        needs={},
        complete=False,
        **findings,
    )


def test_a_completed_visit_is_corrected_in_the_track_and_the_history_keeps_it(case, therapist):
    visit = case.visits.get(status=JointVisit.Status.DONE)
    _record(visit, therapist, bathroom="Badkar med stödhandtag")
    visit.refresh_from_db()
    case.refresh_from_db()
    assert visit.bathroom == "Badkar med stödhandtag"
    assert visit.status == JointVisit.Status.DONE
    assert case.status == Application.Status.IN_TRACK
    latest = visit.history.latest()
    assert (latest.history_user, latest.bathroom) == (therapist, "Badkar med stödhandtag")

    visit.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        _record(visit, therapist, potential_for_independence=False)
    assert set(refused.value.message_dict) == {"potential_for_independence"}


def test_a_decided_case_s_visit_cannot_be_corrected(officer, therapist):
    application = received_case(officer=officer, therapist=therapist)
    flow.decided(application, officer=officer, therapist=therapist)
    visit = application.visits.get(status=JointVisit.Status.DONE)
    with pytest.raises(ValidationError):
        _record(visit, therapist, bathroom="Ändrat efter beslutet")
