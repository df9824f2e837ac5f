import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from assessments.models import Application, JointVisit
from assessments.services import ConflictError
from rehab.models import AccessLogEntry
from tests.factories import UserFactory, received_case
from tests.support import flow
from tracks import proposal, selectors, services
from tracks.models import Handover, Intervention, Track, TrackAssignment
from tracks.proposal import propose_track

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
OT = Intervention.Profession.THERAPIST
PT = Intervention.Profession.PHYSIO


# --- The rules: a pure function table ------------------------------------------------------

R = proposal


@pytest.mark.parametrize(
    ("codes", "review", "inpatient", "potential", "motivated", "track", "reasons"),
    [
        # Track 3: potential, motivation and an inpatient stay, whatever is applied for.
        (
            {"stad"},
            False,
            True,
            True,
            True,
            3,
            [R.REASON_POTENTIAL, R.REASON_MOTIVATED, R.REASON_INPATIENT],
        ),
        ({"trygghetslarm"}, False, True, True, True, 3, None),
        ({"dusch"}, True, True, True, True, 3, None),
        # One of the three missing (or unanswered) means no track 3.
        (
            {"trygghetslarm"},
            False,
            True,
            True,
            False,
            1,
            [R.REASON_ONLY_SAFETY_OR_SHOWER, R.REASON_NOT_REVIEW, R.REASON_NOT_INTENSIVE],
        ),
        ({"stad"}, False, True, True, None, 2, [R.REASON_OTHER_SERVICES, R.REASON_NOT_INTENSIVE]),
        ({"stad"}, False, True, None, True, 2, None),
        ({"stad"}, False, True, False, True, 2, None),
        (
            {"dusch"},
            False,
            False,
            True,
            True,
            1,
            [R.REASON_ONLY_SAFETY_OR_SHOWER, R.REASON_NOT_REVIEW],
        ),
        # Track 1: only a safety alarm and/or shower help, and not a review.
        ({"trygghetslarm", "dusch"}, False, False, None, None, 1, None),
        ({"trygghetslarm"}, False, False, False, False, 1, None),
        # Track 2: anything else applied for, or a review.
        ({"trygghetslarm"}, True, False, True, True, 2, [R.REASON_REVIEW]),
        ({"trygghetslarm", "stad"}, False, False, True, True, 2, [R.REASON_OTHER_SERVICES]),
        ({"mathallning"}, False, False, None, None, 2, None),
        (
            {"ovrigt", "tvatt"},
            True,
            False,
            True,
            False,
            2,
            [R.REASON_OTHER_SERVICES, R.REASON_REVIEW],
        ),
        (set(), False, False, True, True, 2, [R.REASON_NO_SERVICES]),
    ],
)
def test_the_rules_propose_a_track_with_reasons(
    codes, review, inpatient, potential, motivated, track, reasons
):
    proposal = propose_track(
        applied_service_codes=codes,
        is_review=review,
        after_inpatient_stay=inpatient,
        potential_for_independence=potential,
        motivated_to_train=motivated,
    )
    assert proposal.track == track
    assert proposal.reasons
    if reasons is not None:
        assert proposal.reasons == reasons


def test_the_rules_track_numbers_are_the_model_tracks():
    assert (R.FALL_PREVENTION, R.ACTIVITY_ASSESSMENT, R.INTENSIVE_REHAB) == (
        Track.FALL_PREVENTION,
        Track.ACTIVITY_ASSESSMENT,
        Track.INTENSIVE_REHAB,
    )


def test_the_reasons_are_translated():
    proposal = propose_track(
        applied_service_codes={"dusch"},
        is_review=False,
        after_inpatient_stay=False,
        potential_for_independence=True,
        motivated_to_train=True,
    )
    with translation.override("en"):
        assert str(proposal.reasons[0]) == "Applies only for a safety alarm or shower help."


# --- Fixtures -------------------------------------------------------------------------------


@pytest.fixture
def physio(demo_users):
    return demo_users["fysioterapeut"]


@pytest.fixture
def manager(demo_users):
    return demo_users["enhetschef"]


def assessed(
    officer,
    therapist,
    *,
    codes=("dusch",),
    potential=True,
    motivated=False,
    inpatient=False,
    kind=Application.Kind.APPLICATION,
    visit_status=JointVisit.Status.DONE,
    physio=None,
):
    """An application whose joint visit is done (by default), as the assessments stage
    leaves it: built through the services, the visit booked yesterday."""
    application = received_case(
        officer=officer,
        therapist=therapist,
        physio=physio,
        after_inpatient_stay=inpatient,
        kind=kind,
        services=codes,
    )
    flow.book_visit(application, therapist=therapist)
    if visit_status == JointVisit.Status.DONE:
        flow.complete_visit(
            application, therapist=therapist, potential=potential, motivated=motivated
        )
    application.refresh_from_db()
    assert application.status == (
        Application.Status.ASSESSED
        if visit_status == JointVisit.Status.DONE
        else Application.Status.VISIT_BOOKED
    )
    return application


def proposal_for(application):
    return selectors.proposal_from(application, selectors.latest_done_visit(application))


def current_version(application) -> int:
    return Application.objects.values_list("version", flat=True).get(pk=application.pk)


def confirm(*, application, actor, track, **kwargs):
    """Confirm a track from the version the application has in the database now."""
    kwargs.setdefault("expected_version", current_version(application))
    return services.track_confirm(application=application, actor=actor, track=track, **kwargs)


def in_track(officer, therapist, **kwargs):
    application = assessed(officer, therapist, **kwargs)
    confirm(application=application, actor=therapist, track=proposal_for(application).track)
    application.refresh_from_db()
    return application


def add(application, actor, *, minutes=45, **kwargs):
    return services.intervention_add(
        application=application,
        actor=actor,
        performed_on=kwargs.pop("performed_on", TODAY()),
        minutes=minutes,
        kind=kwargs.pop("kind", Intervention.Kind.TRAINING),
        **kwargs,
    )


def field_errors(excinfo) -> set[str]:
    return set(excinfo.value.error_dict)


# --- track_confirm -------------------------------------------------------------------------


def test_confirming_the_proposed_track_needs_no_reason_and_puts_the_case_in_the_track(
    officer, therapist
):
    application = assessed(officer, therapist, codes=("dusch", "trygghetslarm"))
    version = application.version
    with translation.override("sv"):
        assignment = confirm(application=application, actor=therapist, track=Track.FALL_PREVENTION)
    assert (assignment.track, assignment.proposed) == (1, 1)
    assert assignment.override_reason == ""
    assert assignment.confirmed_by == therapist
    # Reasons are stored in their English source text, whatever the language at the time.
    assert "Applies only for a safety alarm or shower help." in assignment.proposal_reasons
    application.refresh_from_db()
    assert application.status == Application.Status.IN_TRACK
    assert application.version == version + 1


def test_another_track_than_proposed_needs_a_reason(officer, therapist):
    application = assessed(officer, therapist, codes=("dusch",))
    with pytest.raises(ValidationError) as excinfo:
        confirm(application=application, actor=therapist, track=Track.INTENSIVE_REHAB)
    assert field_errors(excinfo) == {"override_reason"}
    with pytest.raises(ValidationError):
        confirm(application=application, actor=therapist, track=3, override_reason="   ")
    assert not TrackAssignment.objects.exists()

    assignment = confirm(
        application=application,
        actor=officer,
        track=Track.INTENSIVE_REHAB,
        override_reason="Nyligen utskriven efter höftfraktur, vill träna.",
    )
    assert (assignment.track, assignment.proposed) == (3, 1)
    assert assignment.override_reason.startswith("Nyligen")


def test_confirming_again_updates_the_one_assignment(officer, therapist):
    application = in_track(officer, therapist, codes=("stad",))
    confirm(application=application, actor=therapist, track=1, override_reason="Bara fallrisk.")
    assignment = TrackAssignment.objects.get()
    assert (assignment.proposed, assignment.track) == (2, 1)


def test_the_track_is_refused_before_the_visit_is_done(officer, therapist):
    application = assessed(officer, therapist, visit_status=JointVisit.Status.BOOKED)
    with pytest.raises(ValidationError):
        confirm(application=application, actor=therapist, track=1)


def test_the_track_is_refused_without_potential_for_independence(officer, therapist):
    application = assessed(officer, therapist, potential=False)
    with translation.override("en"), pytest.raises(ValidationError, match="handover"):
        confirm(application=application, actor=therapist, track=1)
    assert not TrackAssignment.objects.exists()


def test_an_unknown_track_is_refused_on_the_track_field(officer, therapist):
    application = assessed(officer, therapist)
    with pytest.raises(ValidationError) as excinfo:
        confirm(application=application, actor=therapist, track=4)
    assert field_errors(excinfo) == {"track"}


def test_a_stale_version_is_a_conflict_and_overwrites_nothing(officer, therapist):
    application = assessed(officer, therapist, codes=("dusch",))
    seen = application.version
    confirm(application=application, actor=officer, track=1, expected_version=seen)
    with pytest.raises(ConflictError):
        confirm(
            application=application,
            actor=therapist,
            track=2,
            override_reason="Vill ändra.",
            expected_version=seen,
        )
    assignment = TrackAssignment.objects.get()
    assert (assignment.track, assignment.confirmed_by) == (1, officer)
    application.refresh_from_db()
    assert application.version == seen + 1
    # From the current version, the change goes through and bumps the version again.
    confirm(
        application=application,
        actor=therapist,
        track=2,
        override_reason="Vill ändra.",
        expected_version=seen + 1,
    )
    application.refresh_from_db()
    assert (TrackAssignment.objects.get().track, application.version) == (2, seen + 2)


def test_the_proposal_uses_the_visit_findings(officer, therapist):
    application = assessed(officer, therapist, codes=("stad",), motivated=True, inpatient=True)
    assert proposal_for(application).track == 3


# --- intervention_add ---------------------------------------------------------------------


def test_interventions_are_refused_before_the_track(officer, therapist):
    application = assessed(officer, therapist)
    with pytest.raises(ValidationError):
        add(application, therapist)


def test_a_sixth_therapist_visit_needs_a_reason(officer, therapist, physio):
    application = in_track(officer, therapist)
    for _ in range(5):
        add(application, therapist)
    add(application, physio)  # physio visits do not count
    with pytest.raises(ValidationError) as excinfo:
        add(application, therapist)
    assert field_errors(excinfo) == {"extra_visit_reason"}
    sixth = add(application, therapist, extra_visit_reason="Ny rollator behöver provas ut.")
    assert sixth.extra_visit_reason == "Ny rollator behöver provas ut."
    with pytest.raises(ValidationError) as excinfo:
        add(application, therapist, extra_visit_reason=" ")
    assert field_errors(excinfo) == {"extra_visit_reason"}
    assert Intervention.objects.filter(profession=OT).count() == 6


@pytest.mark.parametrize(("minutes", "ok"), [(0, False), (1, True), (600, True), (601, False)])
def test_minutes_are_from_1_to_600(officer, therapist, minutes, ok):
    application = in_track(officer, therapist)
    if ok:
        assert add(application, therapist, minutes=minutes).minutes == minutes
    else:
        with pytest.raises(ValidationError) as excinfo:
            add(application, therapist, minutes=minutes)
        assert field_errors(excinfo) == {"minutes"}


def test_an_intervention_cannot_be_in_the_future(officer, therapist):
    application = in_track(officer, therapist)
    with pytest.raises(ValidationError) as excinfo:
        add(application, therapist, performed_on=TODAY() + datetime.timedelta(days=1))
    assert field_errors(excinfo) == {"performed_on"}
    assert add(application, therapist, performed_on=TODAY()).performed_by == therapist


def test_interventions_need_a_confirmed_track(officer, therapist):
    application = assessed(officer, therapist)
    with pytest.raises(ValidationError):
        add(application, therapist)
    assert not Intervention.objects.exists()


def test_a_handed_over_case_takes_no_interventions(client, officer, therapist):
    application = assessed(officer, therapist, potential=False)
    handover(application, therapist)
    application.refresh_from_db()
    assert application.status == Application.Status.AWAITING_DECISION
    with pytest.raises(ValidationError):
        add(application, therapist)
    client.force_login(therapist)
    page = client.get(reverse("tracks:interventions", args=[application.public_id]))
    assert page.status_code == 200
    assert not page.context["accepting"]
    assert not page.context["can_add"]
    response = client.post(
        reverse("tracks:intervention_add", args=[application.public_id]), intervention_post()
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Intervention.objects.exists()


def test_interventions_are_accepted_while_awaiting_the_decision(officer, therapist):
    application = in_track(officer, therapist)
    flow.hand_over_basis(application, therapist=therapist)
    assert application.status == Application.Status.AWAITING_DECISION
    add(application, therapist)


def test_therapist_minutes_are_summed_per_profession(officer, therapist, physio):
    application = in_track(officer, therapist)
    add(application, therapist, minutes=30)
    add(application, therapist, minutes=45)
    add(application, physio, minutes=20)
    other = in_track(officer, therapist)
    add(other, therapist, minutes=100)
    assert selectors.intervention_totals(application) == {
        "therapist_visits": 2,
        "therapist_minutes": 75,
        "physio_visits": 1,
        "physio_minutes": 20,
        "total_minutes": 95,
    }
    fresh = assessed(officer, therapist)
    assert selectors.intervention_totals(fresh)["therapist_minutes"] == 0


# --- handover_record -----------------------------------------------------------------------


def handover(application, actor, **overrides):
    data = {
        "recipient": Handover.Recipient.HOME_HEALTH_CARE,
        "recipient_detail": "Hemsjukvården Norr",
        "handed_over_on": TODAY(),
        "summary": "Behöver omvårdnad, ingen träningspotential.",
    }
    data.update(overrides)
    return services.handover_record(application=application, actor=actor, **data)


def test_a_handover_without_potential_leaves_the_tracks(officer, therapist):
    application = assessed(officer, therapist, potential=False)
    record = handover(application, therapist)
    assert record.created_by == therapist
    application.refresh_from_db()
    assert application.status == Application.Status.AWAITING_DECISION
    assert not TrackAssignment.objects.filter(application=application).exists()
    with pytest.raises(ValidationError):
        handover(application, therapist)


def test_a_handover_is_refused_when_there_is_potential(officer, therapist):
    application = assessed(officer, therapist, potential=True)
    with pytest.raises(ValidationError):
        handover(application, therapist)
    assert not Handover.objects.exists()
    application.refresh_from_db()
    assert application.status == Application.Status.ASSESSED


def test_a_handover_names_its_fields_when_refused(officer, therapist):
    application = assessed(officer, therapist, potential=False)
    with pytest.raises(ValidationError) as excinfo:
        handover(
            application,
            therapist,
            recipient=Handover.Recipient.OTHER,
            recipient_detail="",
            summary=" ",
            handed_over_on=TODAY() + datetime.timedelta(days=2),
        )
    assert field_errors(excinfo) == {"recipient_detail", "summary", "handed_over_on"}


# --- Permissions ---------------------------------------------------------------------------


def intervention_post(**overrides):
    data = {
        "performed_on": TODAY().isoformat(),
        "kind": "training",
        "minutes": "40",
        "devices_prescribed": "Duschpall",
        "notes": "Tränade förflyttning till duschpall.",
        "extra_visit_reason": "",
    }
    data.update(overrides)
    return data


def test_the_assigned_therapist_adds_an_intervention(client, officer, therapist):
    application = in_track(officer, therapist)
    client.force_login(therapist)
    url = reverse("tracks:intervention_add", args=[application.public_id])
    response = client.post(url, intervention_post())
    assert response.status_code == 302
    assert response["Location"] == reverse("tracks:interventions", args=[application.public_id])
    intervention = Intervention.objects.get()
    assert (intervention.performed_by, intervention.minutes) == (therapist, 40)
    assert AccessLogEntry.objects.filter(
        user=therapist,
        citizen_ref=application.citizen.public_id,
        action=AccessLogEntry.Action.CREATE,
        view="tracks:intervention_add",
    ).exists()


def test_another_therapist_does_not_see_the_case(client, officer, therapist):
    application = in_track(officer, therapist)
    other = UserFactory(therapist=True, team=officer.team)
    client.force_login(other)
    for name in ("track", "interventions", "intervention_add", "handover"):
        response = client.get(reverse(f"tracks:{name}", args=[application.public_id]))
        assert response.status_code == 404, name
    response = client.post(
        reverse("tracks:intervention_add", args=[application.public_id]), intervention_post()
    )
    assert response.status_code == 404
    assert not Intervention.objects.exists()


def test_a_case_officer_of_another_team_does_not_see_the_case(client, officer, therapist):
    application = in_track(officer, therapist)
    stranger = UserFactory(case_officer=True)
    assert stranger.team_id != officer.team_id
    client.force_login(stranger)
    for name in ("track", "interventions", "handover"):
        response = client.get(reverse(f"tracks:{name}", args=[application.public_id]))
        assert response.status_code == 404, name


def test_a_manager_is_not_allowed(client, officer, therapist, manager):
    application = in_track(officer, therapist)
    client.force_login(manager)
    for name in ("track", "interventions", "intervention_add", "handover"):
        response = client.get(reverse(f"tracks:{name}", args=[application.public_id]))
        assert response.status_code == 403, name


def test_the_case_officer_views_interventions_but_does_not_add_them(client, officer, therapist):
    application = in_track(officer, therapist)
    client.force_login(officer)
    url = reverse("tracks:interventions", args=[application.public_id])
    assert client.get(url).status_code == 200
    response = client.post(
        reverse("tracks:intervention_add", args=[application.public_id]), intervention_post()
    )
    assert response.status_code == 403


def test_the_assigned_physio_adds_interventions_and_another_physio_of_the_team_gets_404(
    client, officer, therapist, physio
):
    application = in_track(officer, therapist, physio=physio)
    client.force_login(physio)
    page = client.get(reverse("tracks:interventions", args=[application.public_id]))
    assert page.status_code == 200
    assert page.context["can_add"]
    assert page.context["profession_label"] == PT.label
    response = client.post(
        reverse("tracks:intervention_add", args=[application.public_id]), intervention_post()
    )
    assert response.status_code == 302
    intervention = Intervention.objects.get()
    assert (intervention.performed_by, intervention.profession) == (physio, PT)

    colleague = UserFactory(physio=True, team=officer.team)
    client.force_login(colleague)
    for name in ("interventions", "intervention_add"):
        url = reverse(f"tracks:{name}", args=[application.public_id])
        assert client.get(url).status_code == 404, name
    response = client.post(
        reverse("tracks:intervention_add", args=[application.public_id]), intervention_post()
    )
    assert response.status_code == 404
    assert Intervention.objects.count() == 1


def test_the_profession_follows_the_role_not_the_form(client, officer, therapist):
    """A therapist cannot record visits as a physio to skip the sixth-visit reason."""
    application = in_track(officer, therapist)
    for _ in range(5):
        add(application, therapist)
    client.force_login(therapist)
    url = reverse("tracks:intervention_add", args=[application.public_id])
    response = client.post(url, intervention_post(profession="pt"))
    assert response.status_code == 200
    assert response.context["form"].errors["extra_visit_reason"]
    assert "profession" not in response.context["form"].fields
    assert Intervention.objects.count() == 5
    assert set(Intervention.objects.values_list("profession", flat=True)) == {OT}


def test_a_user_with_both_roles_is_the_therapist_only_of_their_own_cases(officer, therapist):
    both = UserFactory(roles=["therapist", "physio"], team=officer.team)
    own = in_track(officer, both)
    brought_in = in_track(officer, therapist, physio=both)
    assert add(own, both).profession == OT
    assert add(brought_in, both).profession == PT
    assert add(brought_in, therapist).profession == OT


def test_the_profession_is_not_a_service_argument(officer, therapist):
    application = in_track(officer, therapist)
    with pytest.raises(TypeError):
        add(application, therapist, profession=PT)


def test_the_rules(officer, therapist, physio, manager):
    application = in_track(officer, therapist, physio=physio)
    other_team_officer = UserFactory(case_officer=True)
    team_physio = UserFactory(physio=True, team=officer.team)
    team_therapist = UserFactory(therapist=True, team=officer.team)
    for user, allowed in [
        (therapist, {"assign_track", "add_intervention", "view_interventions", "record_handover"}),
        (officer, {"assign_track", "view_interventions", "record_handover"}),
        (physio, {"add_intervention", "view_interventions"}),
        (team_physio, set()),
        (team_therapist, set()),
        (manager, set()),
        (other_team_officer, set()),
    ]:
        granted = {
            perm
            for perm in (
                "assign_track",
                "add_intervention",
                "view_interventions",
                "record_handover",
            )
            if user.has_perm(f"tracks.{perm}", application)
        }
        assert granted == allowed, user


# --- Views ---------------------------------------------------------------------------------


def test_the_track_page_shows_the_proposal_and_why(client, officer, therapist):
    application = assessed(officer, therapist, codes=("trygghetslarm",))
    client.force_login(therapist)
    response = client.get(reverse("tracks:track", args=[application.public_id]))
    assert response.status_code == 200
    assert response.context["proposal"].track == 1
    html = response.content.decode()
    assert "<h1>" in html
    assert "Spår 1: fallförebyggande hembesök" in html
    assert 'name="track"' in html
    assert AccessLogEntry.objects.filter(
        citizen_ref=application.citizen.public_id, action=AccessLogEntry.Action.READ
    ).exists()


def test_choosing_another_track_without_a_reason_shows_the_error_at_the_field(
    client, officer, therapist
):
    application = assessed(officer, therapist, codes=("trygghetslarm",))
    client.force_login(officer)
    url = reverse("tracks:track", args=[application.public_id])
    version = application.version
    response = client.post(url, {"track": "2", "override_reason": "", "version": version})
    assert response.status_code == 200
    assert response.context["form"].errors["override_reason"]
    assert not TrackAssignment.objects.exists()

    response = client.post(
        url, {"track": "2", "override_reason": "Ansöker även om städ snart.", "version": version}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("tracks:interventions", args=[application.public_id])
    assignment = TrackAssignment.objects.get()
    assert (assignment.proposed, assignment.track, assignment.confirmed_by) == (1, 2, officer)
    page = client.get(url)
    assert "Ansöker även om städ snart." in page.content.decode()


def test_a_track_confirmed_meanwhile_is_a_conflict_shown_above_the_form(client, officer, therapist):
    application = assessed(officer, therapist, codes=("trygghetslarm",))
    url = reverse("tracks:track", args=[application.public_id])
    client.force_login(officer)
    opened = client.get(url).context["form"]["version"].value()
    assert opened == application.version
    confirm(application=application, actor=therapist, track=1)  # the therapist was quicker
    response = client.post(
        url, {"track": "2", "override_reason": "Skrivet av handläggaren", "version": opened}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert [error.code for error in form.errors.as_data()["__all__"]] == ["conflict"]
    html = response.content.decode()
    assert "Skrivet av handläggaren" in html
    # In the error summary at the top of the page and once above the form.
    assert html.count(str(form.non_field_errors()[0])) == 2
    assignment = TrackAssignment.objects.get()
    assert (assignment.track, assignment.confirmed_by) == (1, therapist)


def test_a_refused_intervention_keeps_what_was_typed(client, officer, therapist):
    application = in_track(officer, therapist)
    for _ in range(5):
        add(application, therapist)
    client.force_login(therapist)
    page = client.get(reverse("tracks:interventions", args=[application.public_id]))
    assert page.context["extra_visit_warning"]
    assert 'data-testid="extra-visit-warning"' in page.content.decode()
    response = client.post(
        reverse("tracks:intervention_add", args=[application.public_id]),
        intervention_post(notes="Skrivet av terapeuten"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["extra_visit_reason"]
    assert "Skrivet av terapeuten" in response.content.decode()
    assert Intervention.objects.count() == 5


def test_the_handover_page_records_a_handover(client, officer, therapist):
    application = assessed(officer, therapist, potential=False)
    client.force_login(therapist)
    url = reverse("tracks:handover", args=[application.public_id])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["can_record"]
    response = client.post(
        url,
        {
            "recipient": "care_team",
            "recipient_detail": "Vårdteam Norr",
            "handed_over_on": TODAY().isoformat(),
            "summary": "",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["summary"]
    assert "Vårdteam Norr" in response.content.decode()
    response = client.post(
        url,
        {
            "recipient": "care_team",
            "recipient_detail": "Vårdteam Norr",
            "handed_over_on": TODAY().isoformat(),
            "summary": "Ingen träningspotential; behöver omvårdnad.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "assessments:application_detail", args=[application.public_id]
    )
    application.refresh_from_db()
    assert application.status == Application.Status.AWAITING_DECISION
    assert Handover.objects.get().recipient == Handover.Recipient.CARE_TEAM


def test_the_handover_page_offers_no_form_when_there_is_potential(client, officer, therapist):
    application = assessed(officer, therapist, potential=True)
    client.force_login(officer)
    page = client.get(reverse("tracks:handover", args=[application.public_id]))
    assert page.status_code == 200
    assert not page.context["can_record"]
    assert 'name="summary"' not in page.content.decode()


def test_the_intervention_list_runs_the_same_queries_for_2_and_20(client, officer, therapist):
    application = in_track(officer, therapist)
    for _ in range(2):
        add(application, therapist, extra_visit_reason="Extra")
    client.force_login(therapist)
    url = reverse("tracks:interventions", args=[application.public_id])
    client.get(url)  # warm caches that are not per request
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for _ in range(18):
        add(application, therapist, extra_visit_reason="Extra")
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["interventions"]) == 20
    assert len(large) == len(small)
