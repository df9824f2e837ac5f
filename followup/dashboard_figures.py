"""The dashboard's figures, kept in the shared cache and refreshed by the beat every hour.

Computing every indicator for a team's year takes about half a second at 10 000 cases on
PostgreSQL (bench/dashboard.py), more than a page may take. So the figures of a scope are
kept in the cache (Redis in production, a folder of files on the embedded default: both
shared by every web and worker process) under a key of the scope and the day, and the beat
job ``followup.tasks.refresh_dashboards`` computes each team's default view (this year, the
team, every track and area) again every hour. A manager opening the dashboard finds her
figures ready; a filter nobody has chosen yet today is computed once and then kept. The page
says when its figures were computed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

from followup import calc, indicators

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


def refresh(today: datetime.date | None = None) -> int:
    """Compute every team's default view again (the hourly beat job); returns how many."""
    from rehab.models import Team

    today = today or timezone.localdate()
    team_ids = (
        Team.objects.filter(applications__isnull=False).distinct().values_list("pk", flat=True)
    )
    count = 0
    for team_id in team_ids:  # a few dozen teams, each one computation
        compute(default_scope([team_id], today), today)
        count += 1
    return count
