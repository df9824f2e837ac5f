"""Does every case tell the truth? Each case's status against its records, in bulk.

``selectors.case_facts_for`` reads the facts of the workflow (``workflow.CaseFacts``) for
many cases in a fixed number of queries, whatever their number; ``untruthful_cases`` lists the
cases whose status implies records they do not have, or whose dates run backwards
(``workflow.missing_for_status``), whose work-queue columns differ from their visits and
applied services (ADR 0015), and a few date rules of the later stages (interventions
between the joint visit and today, follow-ups recorded after the decision, no follow-up
left unmarked after its day). The demo data, the generator and imported cases are checked
with it (``manage.py check_cases``).

The later stages' dated records (interventions, follow-ups) are read
through their relation names on the application, as ``selectors.change_history`` does:
this app sits below those apps and imports none of them.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import selectors, workflow
from .models import QUEUE_COLUMNS, Application

INTERVENTION_OUTSIDE_THE_TRACK = _("interventions between the joint visit and today")
FOLLOW_UP_BEFORE_DECISION = _("follow-ups recorded on or after the decision")
FOLLOW_UP_NOT_MARKED_DUE = _("a follow-up past its day marked as due")


QUEUE_COLUMNS_STALE = _("the work queue's visit and minutes as the visits and services say")


def stale_queue_columns(applications: QuerySet[Application]) -> set[int]:
    """The applications whose queue columns (``models.QUEUE_COLUMNS``) differ from what
    their visits and applied services say, in one query."""
    expected = selectors.queue_column_values()
    rows = applications.annotate(**{f"expected_{name}": value for name, value in expected.items()})
    return {
        pk
        for pk, *values in rows.values_list(
            "pk", *QUEUE_COLUMNS, *(f"expected_{name}" for name in QUEUE_COLUMNS)
        )
        if values[: len(QUEUE_COLUMNS)] != values[len(QUEUE_COLUMNS) :]
    }


@dataclass(frozen=True)
class Untruthful:
    """One case whose status or dates its records do not bear out, and what is missing."""

    application_id: int
    public_id: object
    status: str
    missing: list


def _later_stage_problems(
    applications: QuerySet[Application], facts: dict[int, workflow.CaseFacts], today
) -> dict[int, list]:
    """Date rules of the tracks and follow-up stages, in three queries."""
    problems: dict[int, list] = defaultdict(list)
    for pk, first, last in (
        applications.filter(interventions__isnull=False)
        .values("pk")
        .annotate(first=Min("interventions__performed_on"), last=Max("interventions__performed_on"))
        .values_list("pk", "first", "last")
    ):
        visit_on = facts[pk].visit_on
        if any(
            workflow.intervention_day_problem(day, visit_on=visit_on, today=today)
            for day in (first, last)
        ):
            problems[pk].append(INTERVENTION_OUTSIDE_THE_TRACK)
    for pk, first_done in (
        applications.filter(follow_ups__done_on__isnull=False)
        .values("pk")
        .annotate(first=Min("follow_ups__done_on"))
        .values_list("pk", "first")
    ):
        decided_on = facts[pk].decided_on
        if decided_on is None or first_done < decided_on:
            problems[pk].append(FOLLOW_UP_BEFORE_DECISION)
    for pk in (
        applications.filter(
            Q(follow_ups__status="scheduled") & Q(follow_ups__due_on__lte=today),
            status=workflow.Status.DECIDED,
        )
        .values_list("pk", flat=True)
        .distinct()
    ):
        problems[pk].append(FOLLOW_UP_NOT_MARKED_DUE)
    return problems


def untruthful_cases(
    applications: QuerySet[Application] | None = None, *, today: datetime.date | None = None
) -> list[Untruthful]:
    """Every case whose status lacks its records or whose dates run backwards, in the
    order of their ids (empty when every case tells the truth)."""
    today = today or timezone.localdate()
    applications = applications if applications is not None else Application.objects.all()
    facts = selectors.case_facts_for(applications, today=today)
    later = _later_stage_problems(applications, facts, today)
    for pk in stale_queue_columns(applications):
        later[pk].append(QUEUE_COLUMNS_STALE)
    public_ids = dict(applications.values_list("pk", "public_id"))
    found = []
    for pk in sorted(facts):
        missing = [*workflow.missing_for_status(facts[pk]), *later.get(pk, [])]
        if missing:
            found.append(Untruthful(pk, public_ids[pk], facts[pk].status, missing))
    return found
