"""The case figures (``followup.models.CaseFigures``): one row per case with the facts the
indicators would otherwise work out with a subquery per case.

Both ways of writing them run the same one statement, ``INSERT … SELECT`` of the same
annotated query of the cases, so they cannot disagree (ADR 0016):

- ``case_figures_refresh(application_ids=…)`` for the cases a write just changed. The
  services call it in their transaction: the decision (``after_decision``), the joint
  visit, an instrument, the application's services (``assessments.extension_points.
  case_changed``, since ``assessments`` may not import this app) and the follow-up.
- ``case_figures_rebuild()`` for every case at once: the nightly beat job
  (``followup.tasks.rebuild_case_figures``) heals any drift (a write that went around the
  services, a restore), ``generate_data`` ends with it and migration 0012 fills the table.

The scope's filters (team, track, home-care area) and the dates stay on the cases' own
tables, so the figures of a case need no refresh when it changes team or track.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery

from assessments.models import Application, AppliedService, GrantedService, JointVisit
from assessments.models import InstrumentResult as Result

from . import indicators
from .models import CaseFigures

ASSESSMENT, FOLLOW_UP = Result.Occasion.ASSESSMENT, Result.Occasion.FOLLOW_UP


def _expressions() -> dict:
    """Each column of ``CaseFigures`` (but the case) as an expression on ``Application``:
    the same expressions the indicators used per case before the table existed."""
    done = JointVisit.objects.filter(application=OuterRef("pk"), status=JointVisit.Status.DONE)
    return {
        "first_visit_at": Subquery(done.order_by("scheduled_at").values("scheduled_at")[:1]),
        "joint_assessment": Exists(done.filter(case_officer_attended=True)),
        "safety_alarm": Exists(
            AppliedService.objects.filter(
                application=OuterRef("pk"), service__code=indicators.SAFETY_ALARM
            )
        ),
        "applied_minutes": indicators._sum_per_case(AppliedService, "application"),
        "applied_services": indicators._sum_per_case(
            AppliedService, "application", positive_count=True
        ),
        "granted_minutes": indicators._sum_per_case(GrantedService, "decision__application"),
        "granted_services": indicators._sum_per_case(
            GrantedService, "decision__application", positive_count=True
        ),
        "trajectory": indicators._latest_result(indicators.TRAJECTORY, ASSESSMENT),
        "eq5d_sum_before": indicators._latest_result(indicators.EQ5D5L, ASSESSMENT),
        "eq5d_sum_after": indicators._latest_result(indicators.EQ5D5L, FOLLOW_UP),
        "vas_before": indicators._latest_result(indicators.EQ5D5L, ASSESSMENT, "vas"),
        "vas_after": indicators._latest_result(indicators.EQ5D5L, FOLLOW_UP, "vas"),
    }


def _upsert(applications: QuerySet[Application]) -> None:
    """Write the figures of ``applications`` in one ``INSERT … SELECT … ON CONFLICT DO
    UPDATE`` (PostgreSQL and SQLite alike; no row passes through Python)."""
    # Annotated under other names: some columns are named as relations of ``Application``.
    expressions = {f"figure_{name}": value for name, value in _expressions().items()}
    # A WHERE clause always (SQLite reads ``ON CONFLICT`` after a bare SELECT as a join's).
    select = (
        applications.filter(pk__isnull=False)
        .order_by()
        .annotate(**expressions)
        .values_list("pk", *expressions)
    )
    sql, params = select.query.sql_with_params()
    quote = connection.ops.quote_name
    names = [name.removeprefix("figure_") for name in expressions]
    columns = ", ".join(quote(name) for name in ("application_id", *names))
    updates = ", ".join(f"{quote(name)} = excluded.{quote(name)}" for name in names)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(CaseFigures._meta.db_table)} ({columns}) {sql} "  # noqa: S608 - names from the model, values bound
            f"ON CONFLICT ({quote('application_id')}) DO UPDATE SET {updates}",
            params,
        )


@transaction.atomic
def case_figures_refresh(*, application_ids: Iterable[int]) -> None:
    """Write the figures of these cases again (in the caller's transaction)."""
    ids = sorted({int(pk) for pk in application_ids})
    if not ids:
        return
    _upsert(Application.objects.filter(pk__in=ids))


@transaction.atomic
def case_figures_rebuild() -> int:
    """Write the figures of every case again; returns how many rows there are."""
    _upsert(Application.objects.all())
    return CaseFigures.objects.count()


def case_figures_fill_missing(applications: QuerySet[Application]) -> None:
    """Write the figures of the cases among ``applications`` that have none: cases written
    in bulk around the services (a data load, a test's cohort) since the last rebuild. One
    statement, which finds nothing to write when every case has its figures."""
    _upsert(applications.filter(case_figures__isnull=True))


def refresh_after_decision(*, decision) -> None:
    """The ``after_decision`` hook: the granted minutes changed."""
    case_figures_refresh(application_ids=[decision.application_id])


def refresh_after_change(*, application_ids: Iterable[int]) -> None:
    """The ``case_changed`` hook of ``assessments``."""
    case_figures_refresh(application_ids=application_ids)
