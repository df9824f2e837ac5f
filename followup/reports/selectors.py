"""Reads of follow-up reports: the teams a user may report on, a user's own reports, one
report by its public id, and the scope and cohort a report covers."""

from __future__ import annotations

from followup import indicators
from followup.indicators import Scope
from followup.models import ReportRequest
from followup.reports.rows import track_labels
from rehab.models import Team
from rehab.roles import is_admin, is_manager


def allowed_teams(user):
    """The teams ``user`` may order reports for, scoped as the managers' overview is: an
    administrator any team, a manager her own team, anyone else none."""
    if is_admin(user):
        return Team.objects.order_by("name")
    if is_manager(user) and user.team_id:
        return Team.objects.filter(pk=user.team_id)
    return Team.objects.none()


def reports_for(*, user, limit: int = 50) -> list[ReportRequest]:
    """The user's own reports, newest first, with their teams and track labels."""
    reports = list(
        ReportRequest.objects.filter(requested_by=user).prefetch_related("teams")[:limit]
    )
    for report in reports:
        report.track_labels = track_labels(report.tracks)
    return reports


def find_report(public_id) -> ReportRequest | None:
    return ReportRequest.objects.filter(public_id=public_id).first()


def scope_of(report: ReportRequest) -> Scope:
    return Scope(
        period_start=report.period_start,
        period_end=report.period_end,
        team_ids=tuple(report.teams.values_list("pk", flat=True)),
        tracks=tuple(report.tracks or ()),
    )


def cohort_citizen_refs(report: ReportRequest) -> list:
    """Pseudonymous ids of the citizens whose data the report draws on (for the access log)."""
    return indicators.cohort_citizen_refs(scope_of(report))
