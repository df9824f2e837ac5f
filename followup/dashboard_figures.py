"""The dashboard's and the overview's figures, kept in the shared cache and refreshed by the
beat every hour and after each decision and follow-up.

Computing every indicator for a team's year takes about half a second at 10 000 cases on
PostgreSQL (bench/dashboard.py), more than a page may take. So the figures of a scope are
kept in the cache (Redis in production, a folder of files on the embedded default: both
shared by every web and worker process) under a key of the scope and the day, and the beat
job ``followup.tasks.refresh_dashboards`` computes each team's default view (this year, the
team, every track and area) and each team's overview (its last twelve months) again every
hour; a decision or a follow-up sends ``followup.tasks.refresh_team_figures`` for its team
after it commits. A manager opening either page finds her figures ready; a filter nobody has
chosen yet today is computed once and then kept. The pages say when their figures were
computed.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from followup import calc, indicators

logger = logging.getLogger(__name__)

# Kept a little longer than a day: the key holds the day, so yesterday's figures are never
# shown today, and the hourly refresh overwrites today's.
KEEP_SECONDS = 26 * 60 * 60


@dataclass(frozen=True)
class Figures:
    figures: indicators.Dashboard
    computed_at: datetime.datetime


def default_scope(team_ids, today: datetime.date) -> indicators.Scope:
    """What the dashboard shows before any filter is chosen: this year up to the end of
    this month, the given teams, every track and home-care area."""
    return indicators.Scope(
        period_start=today.replace(month=1, day=1),
        period_end=calc.month_end(today),
        team_ids=tuple(team_ids),
    )


def compute(scope: indicators.Scope, today: datetime.date) -> Figures:
    """Compute the figures of ``scope`` now and keep them for the rest of the day."""
    figures = Figures(indicators.dashboard(scope, today=today), timezone.now())
    cache.set(scope.cache_key(today), figures, KEEP_SECONDS)
    return figures


def figures_for(scope: indicators.Scope, today: datetime.date) -> Figures:
    """The kept figures of ``scope`` for ``today``, computed now if there are none."""
    kept = cache.get(scope.cache_key(today))
    if isinstance(kept, Figures):
        return kept
    return compute(scope, today)


# --- the manager's overview ---------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    figures: indicators.OverviewFigures
    computed_at: datetime.datetime


def overview_scope(team_ids, today: datetime.date) -> indicators.Scope:
    """What the manager's overview shows: the last twelve months, the given teams (none:
    every team)."""
    return indicators.Scope(
        period_start=today - datetime.timedelta(days=365),
        period_end=today,
        team_ids=tuple(team_ids),
    )


def _overview_key(scope: indicators.Scope, today: datetime.date) -> str:
    return "overview:" + scope.cache_key(today)


def compute_overview(scope: indicators.Scope, today: datetime.date) -> Overview:
    """Compute the overview's figures of ``scope`` now and keep them for the rest of the day."""
    kept = Overview(indicators.overview_figures(scope), timezone.now())
    cache.set(_overview_key(scope, today), kept, KEEP_SECONDS)
    return kept


def overview_for(scope: indicators.Scope, today: datetime.date) -> Overview:
    """The kept overview of ``scope`` for ``today``. Before the first refresh of the day,
    yesterday's (the page shows when they were computed) while today's are computed in the
    background; computed now if there are none."""
    kept = cache.get(_overview_key(scope, today))
    if isinstance(kept, Overview):
        return kept
    yesterday = today - datetime.timedelta(days=1)
    earlier = cache.get(_overview_key(overview_scope(scope.team_ids, yesterday), yesterday))
    if isinstance(earlier, Overview) and len(scope.team_ids) == 1:
        refresh_soon(scope.team_ids[0])
        return earlier
    return compute_overview(scope, today)


# --- keeping them fresh ----------------------------------------------------------------------


def refresh_team(team_id: int, today: datetime.date | None = None) -> None:
    """Compute one team's overview and default dashboard view again."""
    today = today or timezone.localdate()
    compute_overview(overview_scope([team_id], today), today)
    compute(default_scope([team_id], today), today)


def refresh(today: datetime.date | None = None) -> int:
    """Compute every team's overview and default dashboard view again, and the overview of
    every team together (a manager or administrator without a team); the hourly beat job.
    Returns how many teams."""
    from rehab.models import Team

    today = today or timezone.localdate()
    team_ids = (
        Team.objects.filter(applications__isnull=False).distinct().values_list("pk", flat=True)
    )
    count = 0
    for team_id in team_ids:  # a few dozen teams, each two computations
        refresh_team(team_id, today)
        count += 1
    compute_overview(overview_scope([], today), today)
    return count


# One refresh of a team's figures at a time: the writes of the next this many seconds are
# taken in by the one already waiting.
REFRESH_DELAY_SECONDS = 30


def refresh_soon(team_id: int | None) -> None:
    """After a decision or a follow-up: compute the team's kept figures again once the
    transaction has committed (``followup.tasks.refresh_team_figures``), at most one
    waiting refresh per team."""
    if team_id is None:
        return

    def send() -> None:
        from followup import tasks

        waiting = f"figures-refresh-waiting:{team_id}"
        if not cache.add(waiting, 1, REFRESH_DELAY_SECONDS * 4):
            return
        try:
            tasks.refresh_team_figures.apply_async((team_id,), countdown=REFRESH_DELAY_SECONDS)
        except (BrokerError, ConnectionError, OSError) as error:
            # The hourly refresh will do; the write itself stands.
            cache.delete(waiting)
            logger.warning("figures of team %s not refreshed: %s", team_id, type(error).__name__)

    transaction.on_commit(send)


def refresh_after_decision(*, decision) -> None:
    """The ``after_decision`` hook (``assessments.extension_points``)."""
    refresh_soon(decision.application.team_id)
