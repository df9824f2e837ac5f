"""The case's workflow: the pure rules, the one guarded way to move a status, and a walk
through every status with the records each implies."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from assessments import services, workflow
from assessments.models import Application, ServiceType, StatusMoveError
from assessments.workflow import CaseFacts, Status, Step
from followup import services as followup_services
from followup.models import CaseClosure, FollowUp
from followup.services import add_months
from tests.support import flow
from tracks.models import TrackAssignment

# --- The pure rules --------------------------------------------------------------------------


def test_every_status_but_closed_can_be_left_and_closed_is_final():
    assert {status: workflow.targets_from(status) for status in Status} == {
        Status.RECEIVED: {Status.VISIT_BOOKED},
        Status.VISIT_BOOKED: {Status.VISIT_BOOKED, Status.ASSESSED},
        Status.ASSESSED: {Status.ASSESSED, Status.IN_TRACK, Status.AWAITING_DECISION},
        Status.IN_TRACK: {Status.IN_TRACK, Status.AWAITING_DECISION},
        Status.AWAITING_DECISION: {Status.DECIDED},
        Status.DECIDED: {Status.DECIDED, Status.FOLLOW_UP_DUE, Status.CLOSED},
        Status.FOLLOW_UP_DUE: {Status.DECIDED, Status.CLOSED},
        Status.CLOSED: set(),
    }


def test_a_move_from_the_wrong_status_is_refused_with_its_words():
    facts = CaseFacts(status=Status.RECEIVED, decided_on=datetime.date(2026, 3, 1))
    with translation.override("en"):
        assert str(workflow.refusal(workflow.RECORD_DECISION, facts)) == (
            "A decision can be recorded once the case awaits it."
        )


def test_a_move_needs_its_records():
    facts = CaseFacts(status=Status.AWAITING_DECISION)
    with translation.override("en"):
        assert str(workflow.refusal(workflow.RECORD_DECISION, facts)) == (
            "Record the decision before moving on."
        )
    recorded = CaseFacts(status=Status.AWAITING_DECISION, decided_on=datetime.date(2026, 3, 1))
    assert workflow.refusal(workflow.RECORD_DECISION, recorded) is None


def test_a_decision_before_the_application_was_received_is_refused():
    facts = CaseFacts(
        status=Status.AWAITING_DECISION,
        received_on=datetime.date(2026, 3, 2),
        decided_on=datetime.date(2026, 3, 1),
    )
    with translation.override("en"):
        assert str(workflow.refusal(workflow.RECORD_DECISION, facts)) == (
            "The decision cannot be dated before the application was received."
        )
    same_day = CaseFacts(
        status=Status.AWAITING_DECISION,
        received_on=datetime.date(2026, 3, 1),
        decided_on=datetime.date(2026, 3, 1),
    )
    assert workflow.refusal(workflow.RECORD_DECISION, same_day) is None


def test_a_track_may_be_chosen_only_after_a_visit_that_did_not_rule_out_potential():
    assessed = CaseFacts(status=Status.ASSESSED, visit_done=True, potential_for_independence=True)
    assert workflow.can(workflow.CONFIRM_TRACK, assessed)
    unanswered = CaseFacts(status=Status.ASSESSED, visit_done=True)
    assert workflow.can(workflow.CONFIRM_TRACK, unanswered)
    no_potential = CaseFacts(
        status=Status.ASSESSED, visit_done=True, potential_for_independence=False
    )
    assert not workflow.can(workflow.CONFIRM_TRACK, no_potential)
    assert workflow.can(workflow.RECORD_HANDOVER, no_potential)
    assert not workflow.can(workflow.RECORD_HANDOVER, assessed)
    # Once the basis is handed over, the track is settled.
    assert not workflow.can(
        workflow.CONFIRM_TRACK,
        CaseFacts(status=Status.AWAITING_DECISION, visit_done=True, track_confirmed=True),
    )


def steps(facts):
    return [(step.step, step.primary) for step in workflow.next_steps(facts)]


def test_the_next_steps_follow_the_case():
    assert steps(CaseFacts(status=Status.RECEIVED)) == [
        (Step.BOOK_VISIT, True),
        (Step.INSTRUMENTS, False),
    ]
    assert steps(CaseFacts(status=Status.VISIT_BOOKED, visit_booked=True)) == [
        (Step.BOOK_VISIT, False),
        (Step.RECORD_VISIT, True),
        (Step.INSTRUMENTS, False),
    ]
    assert steps(
        CaseFacts(status=Status.ASSESSED, visit_done=True, potential_for_independence=False)
    ) == [
        (Step.CORRECT_VISIT, False),
        (Step.INSTRUMENTS, False),
        (Step.INTERVENTIONS, False),
        (Step.HANDOVER, True),
        (Step.ASSESSMENT_BASIS, False),
    ]
    assert steps(
        CaseFacts(
            status=Status.AWAITING_DECISION,
            visit_done=True,
            potential_for_independence=True,
            track_confirmed=True,
            basis_written=True,
            basis_handed_over=True,
        )
    ) == [
        (Step.CORRECT_VISIT, False),
        (Step.INSTRUMENTS, False),
        (Step.TRACK, False),
        (Step.INTERVENTIONS, False),
        (Step.ASSESSMENT_BASIS, False),
        (Step.ASSESSMENT_BASIS_PDF, False),
        (Step.DECISION, True),
    ]
    # Decided: the decision is changed rather than recorded, its letter can be opened, and the
    # visit can no longer be corrected.
    assert steps(
        CaseFacts(
            status=Status.DECIDED,
            visit_done=True,
            potential_for_independence=True,
            track_confirmed=True,
            basis_written=True,
            basis_handed_over=True,
            decided_on=datetime.date(2026, 3, 1),
        )
    ) == [
        (Step.INSTRUMENTS, False),
        (Step.TRACK, False),
        (Step.INTERVENTIONS, False),
        (Step.ASSESSMENT_BASIS, False),
        (Step.ASSESSMENT_BASIS_PDF, False),
        (Step.POSITIVE_EXAMPLE, False),
        (Step.CHANGE_DECISION, False),
        (Step.DECISION_LETTER, False),
        (Step.TEMPORARY_INCREASE, False),
    ]
    # A closed case takes no temporary increase.
    closed = CaseFacts(status=Status.CLOSED, decided_on=datetime.date(2026, 3, 1))
    assert Step.TEMPORARY_INCREASE not in [step for step, _primary in steps(closed)]


def test_interventions_need_a_track_and_a_status_that_takes_them():
    assert workflow.accepts_interventions(
        CaseFacts(status=Status.AWAITING_DECISION, track_confirmed=True)
    )
    assert not workflow.accepts_interventions(CaseFacts(status=Status.IN_TRACK))
    assert not workflow.accepts_interventions(
        CaseFacts(status=Status.DECIDED, track_confirmed=True)
    )


# --- One guarded way to move a status ------------------------------------------------------


@pytest.fixture
def application(db, officer, therapist):
    citizen = services.citizen_create(
        personal_number="19400307-3428", team=officer.team, first_name="Astrid", last_name="Lind"
    )
    stad = ServiceType.objects.get(code="stad")
    return services.application_create(
        citizen=citizen,
        received_on=datetime.date(2026, 1, 10),
        channel="phone",
        case_officer=officer,
        therapist=therapist,
        services=[services.ServiceRequest(stad, 120)],
    )


def test_a_status_cannot_be_updated_in_bulk(application):
    with pytest.raises(StatusMoveError):
        Application.objects.filter(pk=application.pk).update(status=Status.DECIDED)
    assert Application.objects.get(pk=application.pk).status == Status.RECEIVED


def test_a_status_cannot_be_saved_outside_the_workflow(application):
    application.status = Status.DECIDED
    with pytest.raises(StatusMoveError):
        application.save()
    with pytest.raises(StatusMoveError):
        application.save(update_fields=["status"])
    assert Application.objects.get(pk=application.pk).status == Status.RECEIVED


def test_a_move_without_its_records_is_refused(application):
    with pytest.raises(ValidationError) as excinfo:
        services.move_status(application, workflow.BOOK_VISIT)
    assert excinfo.value.messages == ["Boka det gemensamma hembesöket med datum och tid."]
    assert Application.objects.get(pk=application.pk).status == Status.RECEIVED


# --- Every status with the records it implies ------------------------------------------------


def test_a_case_walks_every_status_and_each_move_is_in_the_change_history(
    application, officer, therapist
):
    seen = [application.status]

    def step(action):
        action()
        application.refresh_from_db()
        seen.append(application.status)

    step(lambda: flow.book_visit(application, therapist=therapist))
    assert application.visits.filter(status="booked").count() == 1
    step(lambda: flow.complete_visit(application, therapist=therapist, potential=True))
    assert application.visits.filter(status="done").count() == 1
    step(lambda: flow.confirm_track(application, therapist=therapist))
    assert TrackAssignment.objects.filter(application=application).count() == 1
    step(lambda: flow.hand_over_basis(application, therapist=therapist))
    assert application.assessment_basis.handed_over_at is not None
    # Decided today: after the joint visit (yesterday) and the basis handed over just now.
    today = timezone.localdate()
    step(lambda: flow.decide(application, officer=officer, decided_on=today))
    assert application.decision.decided_on == today
    # Track 2: follow-ups at 3 and 6 months from the decision.
    assert list(application.follow_ups.values_list("due_on", flat=True)) == [
        add_months(today, 3),
        add_months(today, 6),
    ]
    step(lambda: flow.follow_ups_fall_due(today=add_months(today, 3)))
    assert application.follow_ups.filter(status=FollowUp.Status.DUE).count() == 1
    follow_up = application.follow_ups.get(months=3)
    step(
        lambda: followup_record(
            follow_up, officer, close_reason=CaseClosure.Reason.NEEDS_ENDED, version=1
        )
    )
    assert CaseClosure.objects.filter(application=application).count() == 1

    assert seen == [
        Status.RECEIVED,
        Status.VISIT_BOOKED,
        Status.ASSESSED,
        Status.IN_TRACK,
        Status.AWAITING_DECISION,
        Status.DECIDED,
        Status.FOLLOW_UP_DUE,
        Status.CLOSED,
    ]
    history = list(application.history.order_by("history_date", "history_id"))
    statuses = [record.status for record in history]
    moves = [b for a, b in zip(statuses, statuses[1:], strict=False) if a != b]
    assert moves == seen[1:]


def followup_record(follow_up, officer, *, close_reason, version):
    return followup_services.follow_up_record(
        follow_up=follow_up,
        actor=officer,
        expected_version=version,
        services=[],
        close_reason=close_reason,
    )


# --- Dates in order ----------------------------------------------------------------------------

MARCH = [datetime.date(2026, 3, day) for day in range(32)[1:]]


def test_a_visit_is_marked_done_on_or_after_its_day():
    booked = CaseFacts(
        status=Status.VISIT_BOOKED, visit_booked=True, visit_on=MARCH[10], today=MARCH[9]
    )
    assert not workflow.can(workflow.COMPLETE_VISIT, booked)
    with translation.override("en"):
        assert str(workflow.why_not_start(workflow.COMPLETE_VISIT, booked)) == (
            "The joint visit can be marked done on or after the day it was booked for."
        )
    on_the_day = CaseFacts(
        status=Status.VISIT_BOOKED, visit_booked=True, visit_on=MARCH[10], today=MARCH[10]
    )
    assert workflow.can(workflow.COMPLETE_VISIT, on_the_day)


def decision_facts(status=Status.AWAITING_DECISION, **dates):
    return CaseFacts(
        status=status,
        received_on=MARCH[0],
        visit_on=MARCH[5],
        handed_over_on=MARCH[9],
        visit_done=True,
        track_confirmed=True,
        basis_handed_over=True,
        **dates,
    )


def test_a_decision_comes_after_the_visit_and_the_handover_unless_urgent():
    assert workflow.refusal(workflow.RECORD_DECISION, decision_facts(decided_on=MARCH[9])) is None
    before_handover = decision_facts(decided_on=MARCH[8])
    with translation.override("en"):
        assert str(workflow.refusal(workflow.RECORD_DECISION, before_handover)).startswith(
            "The decision is dated before the joint visit or the handover"
        )
    urgent = decision_facts(decided_on=MARCH[2], urgent_decision=True)
    assert workflow.refusal(workflow.RECORD_DECISION, urgent) is None
    # Never before the receipt, urgent or not.
    too_early = CaseFacts(
        status=Status.AWAITING_DECISION,
        received_on=MARCH[3],
        decided_on=MARCH[2],
        urgent_decision=True,
    )
    with translation.override("en"):
        assert str(workflow.refusal(workflow.RECORD_DECISION, too_early)) == (
            "The decision cannot be dated before the application was received."
        )


def test_an_intervention_is_dated_between_the_visit_and_today():
    assert workflow.intervention_day_problem(MARCH[5], visit_on=MARCH[5], today=MARCH[9]) is None
    with translation.override("en"):
        assert str(
            workflow.intervention_day_problem(MARCH[4], visit_on=MARCH[5], today=MARCH[9])
        ) == ("An intervention cannot be dated before the joint home visit.")
        assert str(
            workflow.intervention_day_problem(MARCH[10], visit_on=MARCH[5], today=MARCH[9])
        ) == ("The date cannot be in the future.")


def test_a_status_without_its_records_is_reported():
    with translation.override("en"):
        assert [str(m) for m in workflow.missing_for_status(CaseFacts(status=Status.DECIDED))] == [
            "a handed-over assessment basis or a handover",
            "a decision",
        ]
        backwards = decision_facts(decided_on=MARCH[9], status=Status.DECIDED)
        assert workflow.missing_for_status(backwards) == []
        visit_before_receipt = CaseFacts(
            status=Status.ASSESSED, visit_done=True, received_on=MARCH[5], visit_on=MARCH[4]
        )
        assert [str(m) for m in workflow.missing_for_status(visit_before_receipt)] == [
            "the joint visit on or after the day the application was received"
        ]
