"""Cases walked through the services, step by step, as the pages walk them.

A test that needs a case in some status builds it here, so that it can only reach a state
the UI can reach: every status comes with the records the workflow requires
(assessments/workflow.py). Each function takes the case where the previous one left it.
"""

import datetime

from django.utils import timezone

from assessments import services
from assessments.models import Application, GrantedService, JointVisit, LegalBasis
from followup import services as followup_services
from tracks import selectors as track_selectors
from tracks import services as track_services

# The reason flow.decide gives for a partial grant or a refusal.
REASON_FOR_LESS = "Behovet tillgodoses på annat sätt"


def _version(model, pk) -> int:
    return model.objects.values_list("version", flat=True).get(pk=pk)


def book_visit(application: Application, *, therapist, scheduled_at=None) -> JointVisit:
    """Book the joint visit (by default yesterday at ten, so it can be recorded today)."""
    scheduled_at = scheduled_at or at_ten(timezone.localdate() - datetime.timedelta(days=1))
    return services.joint_visit_book(
        application=application,
        scheduled_at=scheduled_at,
        case_officer=application.case_officer,
        therapist=therapist,
        expected_version=_version(Application, application.pk),
    )


def complete_visit(
    application: Application,
    *,
    therapist,
    potential: bool | None = True,
    motivated: bool | None = False,
    goals=(),
    **findings,
) -> JointVisit:
    """Record the booked visit as done, with its potential for independence."""
    visit = application.visits.get(status=JointVisit.Status.BOOKED)
    services.joint_visit_record(
        visit=visit,
        expected_version=visit.version,
        actor=therapist,
        goals=[services.GoalInput(text) for text in goals],
        needs={},
        complete=True,
        potential_for_independence=potential,
        motivated_to_train=motivated,
        potential_reasoning=findings.pop("potential_reasoning", "Bedömt vid hembesöket"),
        **findings,
    )
    application.refresh_from_db()
    visit.refresh_from_db()
    return visit


def assessed(application: Application, *, therapist, **visit) -> Application:
    """Book and complete the joint visit: the case is "assessed"."""
    book_visit(application, therapist=therapist)
    complete_visit(application, therapist=therapist, **visit)
    return application


def confirm_track(application: Application, *, therapist, track: int | None = None, reason=""):
    """Confirm the proposed track (or ``track``, with ``reason``): the case is "in track"."""
    proposal = track_selectors.proposal_from(
        application, track_selectors.latest_done_visit(application)
    )
    chosen = track or proposal.track
    assignment = track_services.track_confirm(
        application=application,
        actor=therapist,
        track=chosen,
        override_reason=reason or ("Teamets bedömning" if chosen != proposal.track else ""),
        expected_version=_version(Application, application.pk),
    )
    application.refresh_from_db()
    return assignment


def at_ten(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), timezone.get_current_timezone())


def hand_over_basis(
    application: Application,
    *,
    therapist,
    summary="Sammanfattning",
    on: datetime.date | None = None,
):
    """Write and hand over the assessment basis (now, or at ten on the day ``on``): the
    case "awaits decision"."""
    basis = services.assessment_basis_save(
        application=application,
        actor=therapist,
        summary=summary,
        recommended_measures="Fortsatt träning",
        expected_version=None,
        hand_over=True,
        handed_over_at=at_ten(on) if on else None,
    )
    application.refresh_from_db()
    return basis


def awaiting_decision(
    application: Application, *, therapist, on: datetime.date | None = None, **visit
) -> Application:
    """Walk a received case to "awaiting decision" through the visit, a track and the
    assessment basis; given ``on``, the visit and the handover are on that day (so that a
    decision dated then keeps the dates in order)."""
    if on is not None:
        book_visit(application, therapist=therapist, scheduled_at=at_ten(on))
        complete_visit(application, therapist=therapist, **visit)
    else:
        assessed(application, therapist=therapist, **visit)
    confirm_track(application, therapist=therapist)
    hand_over_basis(application, therapist=therapist, on=on)
    return application


def decide(
    application: Application,
    *,
    officer,
    decided_on: datetime.date | None = None,
    granted: list[tuple[str, int | None]] | None = None,
    **fields,
):
    """Record the decision (by default granting what was applied for): "decided".

    ``granted`` lists (service code, minutes); an applied service it leaves out is refused,
    and fewer minutes than applied are a partial grant, each with a stated reason. The
    legal basis is the first active one unless ``legal_basis`` is given."""
    applied = list(application.applied_services.select_related("service"))
    given = {row.service.code: row.minutes_per_week for row in applied}
    if granted is not None:
        given = dict(granted)
    lines = []
    for row in applied:
        service, minutes = row.service, given.get(row.service.code)
        if row.service.code not in given or (service.has_minutes and not minutes):
            outcome = GrantedService.Outcome.REFUSED
        elif service.has_minutes and minutes < (row.minutes_per_week or 0):
            outcome = GrantedService.Outcome.PARTLY_GRANTED
        else:
            outcome = GrantedService.Outcome.GRANTED
        lines.append(
            services.ServiceDecision(
                service,
                outcome,
                (minutes or 0) if service.has_minutes else None,
                "" if outcome == GrantedService.Outcome.GRANTED else REASON_FOR_LESS,
            )
        )
    fields.setdefault("legal_basis", LegalBasis.objects.filter(active=True).first())
    if any(
        line.minutes_per_week and line.minutes_per_week > (row.minutes_per_week or 0)
        for line, row in zip(lines, applied, strict=True)
    ):
        fields.setdefault("over_grant_confirmed", True)
    decision = services.decision_record(
        application=application,
        actor=officer,
        decided_on=decided_on or timezone.localdate(),
        granted=lines,
        **fields,
    )
    application.refresh_from_db()
    return decision


def decided(application: Application, *, officer, therapist, **decision) -> Application:
    """Walk a received case to "decided"; a decision dated in the past has its visit and
    handover on that day."""
    decided_on = decision.get("decided_on")
    past = decided_on if decided_on and decided_on < timezone.localdate() else None
    awaiting_decision(application, therapist=therapist, on=past)
    decide(application, officer=officer, **decision)
    return application


def follow_ups_fall_due(*, today: datetime.date) -> dict[str, int]:
    """Run the daily job as of ``today``: due follow-ups put their cases in the queue."""
    return followup_services.mark_follow_ups_due(today=today)
