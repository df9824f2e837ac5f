"""The manager's indicator dashboard: every indicator as a table and a chart, filtered by
period, team, track and home-care area, with the small-cell rule and complementary
suppression (followup/tables.py), and each table downloadable as CSV, XLSX and SVG.

Aggregates only: no citizen is shown, so no citizen read is logged. The figures are kept in
the shared cache per day and filter set and each team's default view is refreshed every
hour (``followup.dashboard_figures``); the page says when they were computed.
"""

from __future__ import annotations

import datetime
import io
import re

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from followup import calc, dashboard_figures, indicators, tables
from followup.reports.selectors import allowed_teams
from rehab.csv_export import SafeWriter, neutralise
from rehab.permissions import permission_required
from tracks.models import Track

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
FORMATS = ("csv", "xlsx", "svg")


def _month(text: str) -> datetime.date:
    match = MONTH.match(text.strip())
    if not match:
        raise forms.ValidationError(_("Enter a month as YYYY-MM, for example 2026-03."))
    return datetime.date(int(match[1]), int(match[2]), 1)


class DashboardFilterForm(forms.Form):
    start = forms.CharField(
        label=_lazy("From month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "ÅÅÅÅ-MM"}),
    )
    end = forms.CharField(
        label=_lazy("To month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "ÅÅÅÅ-MM"}),
    )
    teams = forms.ModelMultipleChoiceField(
        label=_lazy("Teams"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_lazy("None chosen: all your teams."),
    )
    tracks = forms.TypedMultipleChoiceField(
        label=_lazy("Tracks"),
        choices=Track.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_lazy("None chosen: all cases, including those handed over without a track."),
    )

    def __init__(self, *args, user, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.allowed = allowed_teams(user)
        self.fields["teams"].queryset = self.allowed
        if indicators.has_home_care_areas():
            from assessments.models import HomeCareArea

            self.fields["areas"] = forms.ModelMultipleChoiceField(
                label=_lazy("Home-care areas"),
                queryset=HomeCareArea.objects.filter(team__in=self.allowed).order_by("name"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=_lazy("None chosen: all areas, and citizens without one."),
            )

    def clean_start(self):
        value = self.cleaned_data.get("start") or ""
        return _month(value) if value else self.today.replace(month=1, day=1)

    def clean_end(self):
        value = self.cleaned_data.get("end") or ""
        return _month(value) if value else self.today.replace(day=1)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The last month must not come before the first."))
        return data

    def scope(self) -> indicators.Scope:
        data = self.cleaned_data
        teams = list(data.get("teams") or self.allowed)
        return indicators.Scope(
            period_start=data["start"],
            period_end=min(calc.month_end(data["end"]), calc.month_end(self.today)),
            team_ids=tuple(team.pk for team in teams),
            tracks=tuple(data.get("tracks") or ()),
            home_care_areas=tuple(area.pk for area in data.get("areas") or ()),
        )


def figures_for(scope: indicators.Scope, today: datetime.date) -> indicators.Dashboard:
    """The dashboard's figures for ``scope`` as of ``today`` (kept, or computed now)."""
    return dashboard_figures.figures_for(scope, today).figures


@permission_required("followup.view_dashboard")
def dashboard(request):
    today = timezone.localdate()
    form = DashboardFilterForm(request.GET.copy(), user=request.user, today=today)
    has_teams = form.allowed.exists()
    scope = form.scope() if has_teams and form.is_valid() else None
    shown = []
    figures = computed_at = None
    if scope is not None:
        kept = dashboard_figures.figures_for(scope, today)
        figures, computed_at = kept.figures, kept.computed_at
        shown = tables.all_tables(figures)
    query = request.GET.urlencode()
    return render(
        request,
        "followup/dashboard.html",
        {
            "form": form,
            "has_teams": has_teams,
            "scope": scope,
            "figures": figures,
            "computed_at": computed_at,
            "tables": shown,
            "query": query,
        },
    )


def _csv(table: tables.Table) -> bytes:
    stream = io.StringIO()
    writer = SafeWriter(stream)
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow([cell.text if cell.value is None else cell.value for cell in row])
    return stream.getvalue().encode("utf-8")


def _xlsx(table: tables.Table) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.key[:31]
    sheet.append([str(neutralise(text)) for text in table.header])
    for row in table.rows:
        sheet.append([neutralise(cell.text) if cell.value is None else cell.value for cell in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


@permission_required("followup.view_dashboard")
def dashboard_download(request):
    """One table as CSV or XLSX, or its chart as SVG: ``?indicator=…&format=…`` and the
    dashboard's filters."""
    today = timezone.localdate()
    form = DashboardFilterForm(request.GET, user=request.user, today=today)
    if not form.allowed.exists() or not form.is_valid():
        raise Http404(_("Choose valid filters on the dashboard first."))
    key = request.GET.get("indicator") or "monthly"
    kind = request.GET.get("format") or "csv"
    if kind not in FORMATS:
        raise Http404(_("Unknown file format."))
    scope = form.scope()
    found = {table.key: table for table in tables.all_tables(figures_for(scope, today))}
    table = found.get(key)
    if table is None:
        raise Http404(_("Unknown indicator."))
    name = f"{table.key}-{scope.period_start:%Y%m}-{scope.period_end:%Y%m}"
    if kind == "csv":
        response = HttpResponse(_csv(table), content_type="text/csv; charset=utf-8")
    elif kind == "xlsx":
        response = HttpResponse(
            _xlsx(table),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        if not table.chart:
            raise Http404(_("This table has no chart to download."))
        svg = '<?xml version="1.0" encoding="UTF-8"?>\n' + str(table.chart)
        response = HttpResponse(svg.encode("utf-8"), content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response
