"""The case's workflow: every status, the moves between them, what each move requires and
which next steps a user may take from each status. Pure: no database, no HTTP.

This module is the one place that knows how a case moves on. ``services.move_status`` is
the one function that changes a status: it gathers the case's facts (``CaseFacts``, read
by ``selectors.case_facts``), asks ``refusal`` whether the move may happen and saves the
new status, so that every move lands in the change history. Views ask ``can`` and
``next_steps`` instead of comparing status strings.

The flow::

    received ─book─▶ visit booked ─complete─▶ assessed ─confirm track─▶ in track
                                                 │                          │ hand over basis
                                                 └─record handover──────────┴──▶ awaiting decision
    awaiting decision ─decide─▶ decided ⇄ follow-up due ─close─▶ closed
"""

import datetime
import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models.enums import TextChoices
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    # What gettext_lazy returns, as django-stubs names it (ValidationError accepts it).
    from django.utils.functional import _StrOrPromise as StrOrPromise
else:
    StrOrPromise = str | Promise


class Status(TextChoices):
    RECEIVED = "received", _("Received")
    VISIT_BOOKED = "visit_booked", _("Visit booked")
    ASSESSED = "assessed", _("Assessed")
    IN_TRACK = "in_track", _("In track")
    AWAITING_DECISION = "awaiting_decision", _("Awaiting decision")
    DECIDED = "decided", _("Decided")
    FOLLOW_UP_DUE = "follow_up_due", _("Follow-up due")
    CLOSED = "closed", _("Closed")


INITIAL = Status.RECEIVED
OPEN_STATUSES = frozenset(Status) - {Status.CLOSED}


@dataclass(frozen=True)
class CaseFacts:
    """What is recorded about one case, as far as the workflow needs to know.

    Filled from the database by ``assessments.selectors.case_facts``; the facts kept by
    later apps (track, handover, follow-ups, closure) are contributed by them through the
    extension point ``assessments.extension_points.case_facts``.
    """

    status: str
    # The day the facts are read (for rules such as "a visit is done on or after its day").
    today: datetime.date | None = None
    received_on: datetime.date | None = None
    visit_booked: bool = False
    visit_done: bool = False
    # The day of the joint visit that counts: the completed one, else the booked one.
    visit_on: datetime.date | None = None
    # Of the latest completed visit: True, False or not answered (None).
    potential_for_independence: bool | None = None
    track_confirmed: bool = False
    handover_recorded: bool = False
    basis_written: bool = False
    basis_handed_over: bool = False
    # The day the case left the tracks for the decision: the assessment basis handed over,
    # or the handover recorded when there was no potential.
    handed_over_on: datetime.date | None = None
    decided_on: datetime.date | None = None
    # The decision was taken as an urgent one, with a stated reason.
    urgent_decision: bool = False
    follow_ups_due: int = 0
    closure_recorded: bool = False

    @property
    def decision_recorded(self) -> bool:
        return self.decided_on is not None


# --- Moves -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Requirement:
    """A condition a move needs, with the words a user reads when it is not met.

    ``before`` requirements must hold before the user starts (a page offers the form only
    then); the others are the records the step itself writes (the decision row for the move
    to "decided"), checked when the move is made."""

    holds: Callable[[CaseFacts], bool]
    message: StrOrPromise
    before: bool = False


@dataclass(frozen=True)
class Move:
    name: str
    sources: frozenset[str]
    target: str
    # Said when the case is in a status the move does not start from.
    refusal: StrOrPromise
    requires: tuple[Requirement, ...] = ()


def _visit_booked(facts: CaseFacts) -> bool:
    return facts.visit_booked


def _visit_done(facts: CaseFacts) -> bool:
    return facts.visit_done


def _potential_not_ruled_out(facts: CaseFacts) -> bool:
    return facts.potential_for_independence is not False


def _no_potential(facts: CaseFacts) -> bool:
    return facts.potential_for_independence is False


def _on_or_after(later: datetime.date | None, earlier: datetime.date | None) -> bool:
    return later is None or earlier is None or later >= earlier


def _decided_not_before_receipt(facts: CaseFacts) -> bool:
    return _on_or_after(facts.decided_on, facts.received_on)


def _decided_after_the_assessment(facts: CaseFacts) -> bool:
    """Receipt ≤ joint visit ≤ handover ≤ decision, unless the decision is an urgent one."""
    return facts.urgent_decision or (
        _on_or_after(facts.decided_on, facts.visit_on)
        and _on_or_after(facts.decided_on, facts.handed_over_on)
    )


def _visit_day_has_come(facts: CaseFacts) -> bool:
    return _on_or_after(facts.today, facts.visit_on)


VISIT_DONE = Requirement(
    _visit_done, _("Complete the joint home visit before choosing a track."), before=True
)

BOOK_VISIT = Move(
    "book_visit",
    frozenset({Status.RECEIVED, Status.VISIT_BOOKED}),
    Status.VISIT_BOOKED,
    _("A visit can only be booked before the assessment."),
    (Requirement(_visit_booked, _("Book the joint home visit with a date and time.")),),
)
COMPLETE_VISIT = Move(
    "complete_visit",
    frozenset({Status.VISIT_BOOKED, Status.ASSESSED}),
    Status.ASSESSED,
    _("Only a booked visit can be completed."),
    (
        Requirement(
            _visit_day_has_come,
            _("The joint visit can be marked done on or after the day it was booked for."),
            before=True,
        ),
        Requirement(_visit_done, _("Only a booked visit can be completed.")),
    ),
)
CONFIRM_TRACK = Move(
    "confirm_track",
    frozenset({Status.ASSESSED, Status.IN_TRACK}),
    Status.IN_TRACK,
    _("A track can be chosen after the joint home visit and before the report back."),
    (
        VISIT_DONE,
        Requirement(
            _potential_not_ruled_out,
            _(
                "The joint home visit found no potential for independence: record a handover "
                "instead of a track."
            ),
            before=True,
        ),
        Requirement(
            lambda facts: facts.track_confirmed, _("Choose the track before confirming it.")
        ),
    ),
)
RECORD_HANDOVER = Move(
    "record_handover",
    frozenset({Status.ASSESSED}),
    Status.AWAITING_DECISION,
    _("A handover can be recorded only once, straight after the joint home visit."),
    (
        Requirement(
            lambda facts: facts.visit_done and _no_potential(facts),
            _(
                "A handover is recorded only when the completed joint home visit found no "
                "potential for independence."
            ),
            before=True,
        ),
        Requirement(
            lambda facts: facts.handover_recorded,
            _("A handover can be recorded only once, straight after the joint home visit."),
        ),
    ),
)
HAND_OVER_BASIS = Move(
    "hand_over_basis",
    frozenset({Status.IN_TRACK}),
    Status.AWAITING_DECISION,
    _("The basis can be handed over once the track is confirmed."),
    (
        Requirement(
            lambda facts: facts.track_confirmed,
            _("The basis can be handed over once the track is confirmed."),
            before=True,
        ),
        Requirement(
            lambda facts: facts.basis_written,
            _("Write the assessment basis before handing it over."),
        ),
    ),
)
RECORD_DECISION = Move(
    "record_decision",
    frozenset({Status.AWAITING_DECISION, Status.DECIDED}),
    Status.DECIDED,
    _("A decision can be recorded once the case awaits it."),
    (
        Requirement(
            lambda facts: facts.decision_recorded, _("Record the decision before moving on.")
        ),
        Requirement(
            _decided_not_before_receipt,
            _("The decision cannot be dated before the application was received."),
        ),
        Requirement(
            _decided_after_the_assessment,
            _(
                "The decision is dated before the joint visit or the handover of the "
                "assessment: date it later, or record it as an urgent decision with a reason."
            ),
        ),
    ),
)
FOLLOW_UP_FALLS_DUE = Move(
    "follow_up_falls_due",
    frozenset({Status.DECIDED}),
    Status.FOLLOW_UP_DUE,
    _("Only a decided case can have a follow-up fall due."),
    (Requirement(lambda facts: facts.follow_ups_due > 0, _("No follow-up has fallen due.")),),
)
FOLLOW_UPS_DONE = Move(
    "follow_ups_done",
    frozenset({Status.FOLLOW_UP_DUE}),
    Status.DECIDED,
    _("Only a case with a follow-up due goes back to decided."),
    (
        Requirement(
            lambda facts: facts.follow_ups_due == 0,
            _("Record every follow-up that has fallen due first."),
        ),
    ),
)
CLOSE = Move(
    "close",
    frozenset({Status.DECIDED, Status.FOLLOW_UP_DUE}),
    Status.CLOSED,
    _("Only a decided case can be closed."),
    (
        Requirement(
            lambda facts: facts.closure_recorded, _("Give the reason for closing the case.")
        ),
    ),
)

MOVES: tuple[Move, ...] = (
    BOOK_VISIT,
    COMPLETE_VISIT,
    CONFIRM_TRACK,
    RECORD_HANDOVER,
    HAND_OVER_BASIS,
    RECORD_DECISION,
    FOLLOW_UP_FALLS_DUE,
    FOLLOW_UPS_DONE,
    CLOSE,
)


def refusal(move: Move, facts: CaseFacts) -> StrOrPromise | None:
    """Why ``move`` may not happen now, or ``None`` when it may.

    ``facts`` are the facts after the records the move needs have been written (a decision
    moves the case once the decision row exists), so a requirement reads what is there.
    """
    if facts.status not in move.sources:
        return move.refusal
    for requirement in move.requires:
        if not requirement.holds(facts):
            return requirement.message
    return None


def may_start(move: Move, facts: CaseFacts) -> bool:
    """Whether the case is in a status ``move`` starts from (its records may still be
    missing: the user is about to write them)."""
    return facts.status in move.sources


def targets_from(status: str) -> set[str]:
    """Every status a case in ``status`` can move to."""
    return {move.target for move in MOVES if status in move.sources}


INTERVENTION_STATUSES = frozenset({Status.IN_TRACK, Status.AWAITING_DECISION})


def accepts_interventions(facts: CaseFacts) -> bool:
    """Only a case with a confirmed track that is still in it (or awaits the decision after
    it) takes interventions; a handed-over case never does."""
    return facts.status in INTERVENTION_STATUSES and facts.track_confirmed


# --- Next steps ----------------------------------------------------------------------------


class Step(enum.StrEnum):
    """What a user may do next on a case; the case page shows one link per step allowed,
    and each app that owns the page contributes the link (see
    ``assessments.extension_points.case_links``)."""

    BOOK_VISIT = "book_visit"
    RECORD_VISIT = "record_visit"
    CORRECT_VISIT = "correct_visit"
    INSTRUMENTS = "instruments"
    TRACK = "track"
    INTERVENTIONS = "interventions"
    HANDOVER = "handover"
    ASSESSMENT_BASIS = "assessment_basis"
    ASSESSMENT_BASIS_PDF = "assessment_basis_pdf"
    DECISION = "decision"
    CHANGE_DECISION = "change_decision"
    DECISION_LETTER = "decision_letter"
    POSITIVE_EXAMPLE = "positive_example"
    FOLLOW_UP = "follow_up"
    TEMPORARY_INCREASE = "temporary_increase"


# A decided case that is not closed takes temporary increases of its granted services.
TEMPORARY_INCREASE_STATUSES = frozenset({Status.DECIDED, Status.FOLLOW_UP_DUE})

# A completed visit's findings may be corrected until the decision.
VISIT_CORRECTABLE = frozenset({Status.ASSESSED, Status.IN_TRACK, Status.AWAITING_DECISION})


@dataclass(frozen=True)
class StepRule:
    step: Step
    when: Callable[[CaseFacts], bool]
    # The step the case is waiting for (shown as the primary button).
    primary: Callable[[CaseFacts], bool] = field(default=lambda facts: False)


STEP_RULES: tuple[StepRule, ...] = (
    StepRule(
        Step.BOOK_VISIT,
        lambda f: may_start(BOOK_VISIT, f),
        primary=lambda f: f.status == Status.RECEIVED,
    ),
    StepRule(
        Step.RECORD_VISIT,
        lambda f: f.visit_booked and not f.visit_done,
        primary=lambda f: f.status == Status.VISIT_BOOKED,
    ),
    StepRule(Step.CORRECT_VISIT, lambda f: f.visit_done and f.status in VISIT_CORRECTABLE),
    StepRule(Step.INSTRUMENTS, lambda f: True),
    StepRule(
        Step.TRACK,
        lambda f: f.visit_done and f.potential_for_independence is True,
        primary=lambda f: f.status == Status.ASSESSED,
    ),
    StepRule(
        Step.INTERVENTIONS,
        lambda f: f.status not in {Status.RECEIVED, Status.VISIT_BOOKED},
        primary=lambda f: f.status == Status.IN_TRACK,
    ),
    StepRule(
        Step.HANDOVER,
        lambda f: f.visit_done and _no_potential(f),
        primary=lambda f: f.status == Status.ASSESSED and not f.handover_recorded,
    ),
    StepRule(Step.ASSESSMENT_BASIS, lambda f: f.visit_done),
    StepRule(Step.ASSESSMENT_BASIS_PDF, lambda f: f.basis_written),
    StepRule(Step.POSITIVE_EXAMPLE, lambda f: f.decision_recorded),
    StepRule(
        Step.DECISION,
        lambda f: may_start(RECORD_DECISION, f) and not f.decision_recorded,
        primary=lambda f: f.status == Status.AWAITING_DECISION,
    ),
    StepRule(Step.CHANGE_DECISION, lambda f: may_start(RECORD_DECISION, f) and f.decision_recorded),
    StepRule(Step.DECISION_LETTER, lambda f: f.decision_recorded),
    # A follow-up has fallen due: the case waits for it.
    StepRule(
        Step.FOLLOW_UP,
        lambda f: f.follow_ups_due > 0,
        primary=lambda f: f.status == Status.FOLLOW_UP_DUE,
    ),
    StepRule(Step.TEMPORARY_INCREASE, lambda f: f.status in TEMPORARY_INCREASE_STATUSES),
)


@dataclass(frozen=True)
class NextStep:
    step: Step
    primary: bool


def next_steps(facts: CaseFacts) -> list[NextStep]:
    """The steps open on a case in the order the case page shows them (before the user's
    permissions are applied)."""
    return [NextStep(rule.step, rule.primary(facts)) for rule in STEP_RULES if rule.when(facts)]


def can(move: Move, facts: CaseFacts) -> bool:
    """Whether a user may start ``move`` now: the case is in a status it starts from and
    every requirement that must hold beforehand does. Pages offer the form only then."""
    return may_start(move, facts) and all(
        requirement.holds(facts) for requirement in move.requires if requirement.before
    )


def why_not_start(move: Move, facts: CaseFacts) -> "StrOrPromise":
    """The words for a user who may not start ``move`` (``can`` is false)."""
    if not may_start(move, facts):
        return move.refusal
    for requirement in move.requires:
        if requirement.before and not requirement.holds(facts):
            return requirement.message
    return move.refusal


# --- What each status implies ----------------------------------------------------------------


def _left_the_tracks(facts: CaseFacts) -> bool:
    return (facts.track_confirmed and facts.basis_handed_over) or facts.handover_recorded


IMPLIED: dict[str, tuple[Requirement, ...]] = {
    Status.RECEIVED: (),
    Status.VISIT_BOOKED: (Requirement(_visit_booked, _("a booked joint visit")),),
    Status.ASSESSED: (Requirement(_visit_done, _("a completed joint visit")),),
    Status.IN_TRACK: (
        Requirement(_visit_done, _("a completed joint visit")),
        Requirement(lambda f: f.track_confirmed, _("a confirmed track")),
    ),
    Status.AWAITING_DECISION: (
        Requirement(_visit_done, _("a completed joint visit")),
        Requirement(_left_the_tracks, _("a handed-over assessment basis or a handover")),
    ),
    Status.DECIDED: (
        Requirement(_left_the_tracks, _("a handed-over assessment basis or a handover")),
        Requirement(lambda f: f.decision_recorded, _("a decision")),
    ),
    Status.FOLLOW_UP_DUE: (
        Requirement(lambda f: f.decision_recorded, _("a decision")),
        Requirement(lambda f: f.follow_ups_due > 0, _("a follow-up that has fallen due")),
    ),
    Status.CLOSED: (
        Requirement(lambda f: f.decision_recorded, _("a decision")),
        Requirement(lambda f: f.closure_recorded, _("a closure with its reason")),
    ),
}

DATES_IN_ORDER = (
    Requirement(
        lambda f: _on_or_after(f.visit_on, f.received_on) or not (f.visit_done or f.visit_booked),
        _("the joint visit on or after the day the application was received"),
    ),
    Requirement(
        lambda f: _on_or_after(f.handed_over_on, f.visit_on),
        _("the handover on or after the joint visit"),
    ),
    Requirement(_decided_not_before_receipt, _("the decision on or after the receipt")),
    Requirement(
        _decided_after_the_assessment,
        _("the decision on or after the joint visit and the handover, unless urgent"),
    ),
)


def missing_for_status(facts: CaseFacts) -> list["StrOrPromise"]:
    """What the case's status implies that its records do not show (empty when the case
    tells the truth): the records each status needs and dates that run in order."""
    return [
        requirement.message
        for requirement in (*IMPLIED[facts.status], *DATES_IN_ORDER)
        if not requirement.holds(facts)
    ]


def intervention_day_problem(
    day: datetime.date, *, visit_on: datetime.date | None, today: datetime.date
) -> "StrOrPromise | None":
    """An intervention is dated between the joint visit and today."""
    if day > today:
        return _("The date cannot be in the future.")
    if visit_on is not None and day < visit_on:
        return _("An intervention cannot be dated before the joint home visit.")
    return None
