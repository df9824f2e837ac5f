"""The follow-up report as a document: the indicators turned into the PDF template's context
(display strings in Swedish), rendered to HTML and to PDF, and the services chart.

The document is ``templates/followup/report_pdf.html`` rendered in Swedish and handed to
``rehab.pdf.render_pdf`` (the one module that talks to WeasyPrint).
"""

from __future__ import annotations

import datetime

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from followup import calc, charts, indicators
from followup.indicators import Scope, small_cell
from followup.models import PositiveExample, ReportRequest
from followup.reports import redaction, rows
from followup.reports.selectors import scope_of
from rehab.models import Team
from rehab.pdf import render_pdf


def service_chart(services: list[indicators.ServiceRow]) -> str:
    """Applied vs granted minutes per service type, as SVG; the PDF report and the managers'
    overview page show this same chart. Service types with fewer than five applicants are
    left out (small-cell rule). The labels follow the active language."""
    shown = [
        row
        for row in services
        if row.has_minutes and not indicators.is_small(row.applicants) and row.applied_minutes
    ]
    if not shown:
        return ""
    return charts.grouped_bar_chart(
        title=_("Applied and granted minutes per week, per service"),
        categories=[row.name for row in shown],
        series=[
            charts.Series(_("Applied"), [row.applied_minutes for row in shown]),
            charts.Series(_("Granted"), [row.granted_minutes for row in shown]),
        ],
        unit=_("minutes per week"),
        chart_id="chart-services",
    )


def positive_examples(scope: Scope) -> list[str]:
    """The cohort's positive examples as the report prints them: each description checked
    again against its citizen, with identifying details replaced by "[borttaget]". One
    query."""
    chosen = (
        PositiveExample.objects.filter(application__in=indicators.cohort(scope).values("pk"))
        .select_related("application__citizen")
        .order_by("chosen_at", "pk")
    )
    return [
        redaction.redact(example.description, example.application.citizen) for example in chosen
    ]


def build_context(
    scope: Scope,
    *,
    created_at: datetime.datetime | None = None,
    therapist_cost: calc.TherapistCost = "once",
) -> dict:
    """Everything the PDF template shows, as display strings (Swedish)."""
    figures = indicators.compute(scope)
    with translation.override("sv"):
        team_names = list(
            Team.objects.filter(pk__in=scope.team_ids).values_list("name", flat=True)
        ) or ["Alla team"]
        hourly = figures.hourly
        chosen = positive_examples(scope)
        examples = [
            {"label": label, "text": text}
            for label, text in zip(rows.case_letters(len(chosen)), chosen, strict=True)
        ]
        created = timezone.localtime(created_at or timezone.now())
        start, end = rows.date_text(scope.period_start), rows.date_text(scope.period_end)
        return {
            "title": f"Uppföljningsrapport {start}–{end}",
            "period_start": start,
            "period_end": end,
            "teams": team_names,
            "tracks": rows.track_labels(scope.tracks) if scope.tracks else ["Alla spår"],
            "created": created.strftime("%Y-%m-%d %H:%M"),
            "people": small_cell(figures.profile["people"]),
            "cases": small_cell(figures.profile["cases"]),
            "profile_rows": rows.profile_rows(figures.profile),
            "flow_rows": rows.flow_rows(figures.flow, scope.tracks),
            "service_rows": rows.service_rows(figures.services),
            "service_chart": service_chart(figures.services),
            "hourly_rows": rows.hourly_rows(hourly),
            "levels": rows.level_context(figures, therapist_cost),
            "vas_rows": rows.vas_rows(figures.vas),
            "vas_paired": small_cell(figures.vas["paired_n"]),
            "goal_rows": rows.goal_rows(figures.goals),
            "closure_rows": rows.closure_rows(figures.closures),
            "examples": examples,
            "assumptions": rows.assumption_rows(figures, therapist_cost),
            "annex": rows.annex(figures),
            "indicator_tables": rows.indicator_tables(scope, created.date()),
        }


def report_context(report: ReportRequest) -> dict:
    return build_context(scope_of(report), therapist_cost=report.therapist_cost)


def render_report_html(context: dict) -> str:
    with translation.override("sv"):
        return render_to_string("followup/report_pdf.html", context)


def render_report_pdf(context: dict) -> bytes:
    return render_pdf(render_report_html(context))
