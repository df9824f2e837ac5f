"""The joint visit form's server-side draft: kept while the therapist types, put back on
reload, refused when the visit was saved by somebody else, per user, gone when saved."""

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import JointVisit, VisitDraft
from rehab.models import AccessLogEntry
from tests import factories
from tests.support import flow

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(officer, therapist):
    application = factories.received_case(
        officer=officer, therapist=therapist, citizen__personal_number="194003073428"
    )
    return flow.book_visit(application, therapist=therapist)


def draft_url(visit):
    return reverse("assessments:visit_draft", args=[visit.application.public_id])


def record_url(visit):
    return reverse("assessments:visit_record", args=[visit.application.public_id])


def typed(visit, **fields):
    return {"version": visit.version, "action": "complete", **fields}


def test_a_draft_is_kept_without_touching_the_visit(client, therapist, visit):
    client.force_login(therapist)
    response = client.post(
        draft_url(visit),
        typed(
            visit,
            bathroom="Badkar utan stödhandtag",
            potential_for_independence="True",
            goal_0="Duscha själv",
            csrfmiddlewaretoken="x",
        ),
    )
    assert response.status_code == 204
    draft = VisitDraft.objects.get()
    assert draft.user == therapist
    assert draft.base_version == 1
    assert draft.data == {
        "bathroom": "Badkar utan stödhandtag",
        "potential_for_independence": "True",
        "goal_0": "Duscha själv",
    }
    saved = JointVisit.objects.get(pk=visit.pk)
    assert (saved.version, saved.status, saved.bathroom) == (1, JointVisit.Status.BOOKED, "")
    entry = AccessLogEntry.objects.filter(action=AccessLogEntry.Action.UPDATE).get()
    assert entry.citizen_ref == visit.application.citizen.public_id
    assert entry.view == "assessments:visit_draft"
    assert "194003073428" not in draft_url(visit)


def test_the_form_is_filled_from_the_draft_on_reload(client, therapist, visit):
    client.force_login(therapist)
    client.post(
        draft_url(visit), typed(visit, housing="Villa med trappa", goal_0="Gå till affären")
    )
    VisitDraft.objects.update(saved_at=timezone.make_aware(timezone.datetime(2026, 3, 2, 9, 41)))
    page = client.get(record_url(visit)).content.decode()
    assert "Utkast sparat 09:41 återställt." in page
    assert "Villa med trappa</textarea>" in page
    assert 'value="Gå till affären"' in page
    assert "Kasta utkastet" in page


def test_a_draft_is_refused_when_somebody_saved_the_visit_since(client, officer, therapist, visit):
    services.joint_visit_record(
        visit=visit,
        expected_version=1,
        actor=officer,
        goals=[],
        needs={},
        complete=False,
        housing="Lägenhet",
    )
    client.force_login(therapist)
    response = client.post(draft_url(visit), typed(visit, version=1, housing="Villa"))
    assert response.status_code == 409
    assert not VisitDraft.objects.exists()
    assert JointVisit.objects.get(pk=visit.pk).housing == "Lägenhet"


def test_an_older_draft_is_shown_but_not_restored(client, officer, therapist, visit):
    client.force_login(therapist)
    client.post(draft_url(visit), typed(visit, housing="Villa med trappa"))
    services.joint_visit_record(
        visit=visit,
        expected_version=1,
        actor=officer,
        goals=[],
        needs={},
        complete=False,
        housing="Lägenhet",
    )
    page = client.get(record_url(visit)).content.decode()
    assert "återställdes inte" in page
    assert '<dd class="text-prewrap">Villa med trappa</dd>' in page
    assert "Lägenhet</textarea>" in page
    assert 'name="version" value="2"' in page


def test_drafts_are_per_user(client, officer, therapist, visit):
    client.force_login(officer)
    assert (
        client.post(draft_url(visit), typed(visit, housing="Handläggarens text")).status_code == 204
    )
    client.force_login(therapist)
    page = client.get(record_url(visit)).content.decode()
    assert "Handläggarens text" not in page
    assert "återställt" not in page
    assert VisitDraft.objects.get().user == officer


def test_saving_the_visit_deletes_the_draft_and_a_draft_never_completes(client, therapist, visit):
    client.force_login(therapist)
    client.post(draft_url(visit), typed(visit, housing="Villa"))
    assert JointVisit.objects.get(pk=visit.pk).status == JointVisit.Status.BOOKED
    response = client.post(record_url(visit), typed(visit, housing="Villa", action="draft"))
    assert response.status_code == 302
    assert not VisitDraft.objects.exists()
    assert JointVisit.objects.get(pk=visit.pk).housing == "Villa"


def test_a_draft_can_be_discarded(client, therapist, visit):
    client.force_login(therapist)
    client.post(draft_url(visit), typed(visit, housing="Villa"))
    response = client.post(draft_url(visit), {"discard": "1"})
    assert response.status_code == 302
    assert response["Location"] == record_url(visit)
    assert not VisitDraft.objects.exists()
    assert "Villa" not in client.get(record_url(visit)).content.decode()


def test_only_those_who_may_record_the_visit_may_keep_a_draft(client, demo_users, visit):
    client.force_login(demo_users["fysioterapeut"])
    assert client.post(draft_url(visit), typed(visit, housing="Villa")).status_code in {403, 404}
    client.force_login(demo_users["enhetschef"])
    assert client.post(draft_url(visit), typed(visit, housing="Villa")).status_code == 403
    client.logout()
    assert client.post(draft_url(visit), typed(visit, housing="Villa")).status_code == 302
    assert not VisitDraft.objects.exists()
    client.force_login(demo_users["arbetsterapeut"])
    assert client.get(draft_url(visit)).status_code == 405
    assert client.post(draft_url(visit), {"housing": "Villa"}).status_code == 400


def test_a_draft_is_kept_while_a_completed_visit_is_corrected_until_the_decision(
    client, officer, therapist, visit
):
    application = visit.application
    flow.complete_visit(application, therapist=therapist)
    flow.confirm_track(application, therapist=therapist)
    visit.refresh_from_db()
    client.force_login(therapist)
    in_track = client.post(draft_url(visit), typed(visit, bathroom="Duschpall behövs"))
    assert in_track.status_code == 204
    flow.hand_over_basis(application, therapist=therapist)
    flow.decide(application, officer=officer)
    visit.refresh_from_db()
    decided = client.post(draft_url(visit), typed(visit, bathroom="För sent"))
    assert decided.status_code == 409
    assert VisitDraft.objects.get().data["bathroom"] == "Duschpall behövs"
