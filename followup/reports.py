"""Follow-up reports: ordering one, and turning the indicators into a Swedish PDF.

``order_report`` is what the order page calls; ``build_report_file`` is what the worker
(``followup.tasks.build_report``) runs. The figures come from ``followup.indicators``; the
document is ``templates/followup/report_pdf.html`` rendered in Swedish and handed to
``rehab.pdf.render_pdf`` (the one module that talks to WeasyPrint). The file goes to the
default storage backend through ``FieldFile.save``, never to a local path, so any web
process can serve it.

The report is pseudonymised: it holds no names, identity numbers or case ids, only counts
(below five shown as "<5"), sums and means of groups of at least five, and the labels
"Fall A", "Fall B", … for the positive examples a person will choose and describe.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import string
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from followup import calc, charts, indicators
from followup.indicators import (
    Indicators,
    Scope,
    masked,
    percent,
    share_of_people,
    small_cell,
)
from followup.models import CaseClosure, FollowUp, ReportRequest
from rehab.models import Team
from rehab.pdf import render_pdf
from tracks.models import Track

logger = logging.getLogger(__name__)

Status = ReportRequest.Status
# Deliveries of one report job before it is given up (a worker killed mid-report makes the
# broker deliver the job again; see followup.tasks).
MAX_ATTEMPTS = 3
PROGRESS_STARTED, PROGRESS_FIGURES, PROGRESS_RENDERED, PROGRESS_DONE = 10, 50, 90, 100
# A report still queued or running this long after it was ordered is taken as lost (its job
# vanished, e.g. a worker killed on the folder broker, which does not deliver a job again):
# ordering it again marks it failed and starts a new one. Longer than Redis's visibility
# timeout (1 h) plus the job's time limit, so a redelivery has had its chance.
STALE_AFTER = datetime.timedelta(hours=2)
# A report still queued this long after it was ordered may never have reached the broker
# (Redis was down when it was ordered): ordering it again, or the beat job
# ``followup.tasks.requeue_waiting_reports``, sends its job once more. A second job for a
# report that was only waiting in line is harmless: the worker leaves a done report alone.
REQUEUE_AFTER = datetime.timedelta(minutes=2)
NBSP = calc.NBSP


# --- ordering --------------------------------------------------------------------------------


def request_key(
    *,
    user_id: int,
    period_start: datetime.date,
    period_end: datetime.date,
    team_ids,
    tracks,
) -> str:
    """sha256 of the normalised parameters: the same order gives the same key."""
    normalised = {
        "user": int(user_id),
        "from": period_start.isoformat(),
        "to": period_end.isoformat(),
        "teams": sorted({int(team) for team in team_ids}),
        "tracks": sorted({int(track) for track in tracks}),
    }
    payload = json.dumps(normalised, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def _live_request(key: str) -> ReportRequest | None:
    return ReportRequest.objects.exclude(status=Status.FAILED).filter(request_key=key).first()


def order_report(
    *, user, period_start: datetime.date, period_end: datetime.date, team_ids, tracks
) -> ReportRequest:
    """Order a report; ordering the same report again (not failed) returns the first order.

    The job is queued after the commit, with the request's id only.
    """
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    team_ids = sorted({int(team) for team in team_ids})
    tracks = sorted({int(track) for track in tracks})
    if not team_ids:
        raise ValidationError({"teams": _("Choose at least one team.")})
    if set(tracks) - set(Track.values):
        raise ValidationError({"tracks": _("Unknown track.")})
    key = request_key(
        user_id=user.pk,
        period_start=period_start,
        period_end=period_end,
        team_ids=team_ids,
        tracks=tracks,
    )
    existing = _live_request(key)
    if existing is not None and not _is_stale(existing):
        if _is_waiting(existing):
            _enqueue(existing.pk)
        return existing
    if existing is not None:
        mark_failed(existing.pk, "The job was lost before it finished; ordered again.")
    try:
        with transaction.atomic():
            report = ReportRequest.objects.create(
                requested_by=user,
                period_start=period_start,
                period_end=period_end,
                tracks=tracks,
                request_key=key,
            )
            report.teams.set(team_ids)
            transaction.on_commit(lambda: _enqueue(report.pk))
    except IntegrityError:
        # The same order, placed at the same moment by a second request (double click).
        existing = _live_request(key)
        if existing is None:
            raise
        return existing
    return report


def _is_stale(report: ReportRequest) -> bool:
    return (
        report.status in (Status.QUEUED, Status.RUNNING)
        and report.created_at < timezone.now() - STALE_AFTER
    )


def _is_waiting(report: ReportRequest) -> bool:
    return report.status == Status.QUEUED and report.created_at < timezone.now() - REQUEUE_AFTER


def _enqueue(request_id: int) -> bool:
    """Send the report's job to the broker; False (and the report stays queued) when the
    broker cannot be reached: the order is kept and is sent again later (see REQUEUE_AFTER)."""
    # Imported here: the task module imports this one.
    from kombu.exceptions import OperationalError as BrokerError

    from followup.tasks import build_report

    try:
        build_report.delay(request_id)
    except (BrokerError, ConnectionError, OSError) as error:
        # The id and the error's class only: no personal data in the log.
        logger.warning(
            "report %s stays queued: the broker is unreachable (%s)",
            request_id,
            type(error).__name__,
        )
        return False
    return True


def requeue_waiting(*, older_than: datetime.timedelta = REQUEUE_AFTER) -> int:
    """Send the jobs of reports queued longer than ``older_than`` (but not yet stale) again;
    returns how many were sent."""
    now = timezone.now()
    waiting = ReportRequest.objects.filter(
        status=Status.QUEUED, created_at__lt=now - older_than, created_at__gte=now - STALE_AFTER
    ).values_list("pk", flat=True)
    return sum(_enqueue(pk) for pk in waiting)


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


def track_labels(tracks) -> list[str]:
    return [str(Track(int(track)).label) for track in sorted(tracks)] or [_("All tracks")]


# --- building the file (the worker's part) -----------------------------------------------------


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


def file_name(report: ReportRequest) -> str:
    return f"uppfoljningsrapport-{report.public_id}.pdf"


def _set_progress(report: ReportRequest, progress: int) -> None:
    ReportRequest.objects.filter(pk=report.pk, status=Status.RUNNING).update(progress=progress)
    report.progress = progress


def build_report_file(request_id: int, *, max_attempts: int = MAX_ATTEMPTS) -> ReportRequest | None:
    """Render the report and store its PDF. Idempotent: a done (or failed) report is left
    as it is; a report found "running" was interrupted (its worker died) and starts over.

    Each call counts one attempt; the ``max_attempts``-th redelivery marks it failed.
    """
    with transaction.atomic():
        report = ReportRequest.objects.select_for_update().filter(pk=request_id).first()
        if report is None:
            logger.warning("report request %s no longer exists", request_id)
            return None
        if report.status in (Status.DONE, Status.FAILED):
            return report
        if report.attempts >= max_attempts:
            report.status = Status.FAILED
            report.error = f"Gave up after {report.attempts} attempts (the job was interrupted)."
            report.finished_at = timezone.now()
            report.save(update_fields=["status", "error", "finished_at"])
            return report
        report.status = Status.RUNNING
        report.attempts += 1
        report.progress = PROGRESS_STARTED
        report.error = ""
        report.save(update_fields=["status", "attempts", "progress", "error"])

    context = report_context(report)
    _set_progress(report, PROGRESS_FIGURES)
    pdf = render_report_pdf(context)
    _set_progress(report, PROGRESS_RENDERED)

    name = file_name(report)
    storage = report.file.storage
    target = report.file.field.generate_filename(report, name)
    # A run interrupted after saving left the file behind: replace it, keep one file.
    if storage.exists(target):
        storage.delete(target)
    report.file.save(name, ContentFile(pdf), save=False)
    report.status = Status.DONE
    report.progress = PROGRESS_DONE
    report.finished_at = timezone.now()
    report.save(update_fields=["file", "status", "progress", "finished_at"])
    return report


def mark_failed(request_id: int, error: str) -> None:
    """Record a failure; the text must not hold personal data (the task passes a class name)."""
    ReportRequest.objects.filter(pk=request_id).exclude(status=Status.DONE).update(
        status=Status.FAILED, error=error[:300], finished_at=timezone.now()
    )


# --- the document -------------------------------------------------------------------------------


def _kr_parameter(value: Decimal) -> str:
    """``Decimal("200.00")`` → ``"200 kr"``, ``Decimal("337.50")`` → ``"337,50 kr"``."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{calc.group_thousands(int(value))}{NBSP}kr"
    return f"{calc.round_half_away(value, 2):f}".replace(".", ",") + f"{NBSP}kr"


def _decimal_text(value: Decimal) -> str:
    """``Decimal("4.50")`` → ``"4,5"``."""
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",")


def _minutes(value) -> str:
    return f"{calc.group_thousands(calc.round_kr(Decimal(value)))}{NBSP}min"


def _date(value: datetime.date) -> str:
    return value.strftime("%Y-%m-%d")


def _case_letters(count: int) -> list[str]:
    letters = string.ascii_uppercase
    return [f"Fall {letters[i % 26]}{'' if i < 26 else i // 26}" for i in range(count)]


def _profile_rows(profile: dict) -> list[dict]:
    total = profile["people"]
    rows = [
        ("Kvinnor", profile["women"]),
        ("Män", profile["men"]),
        ("Annat eller ej angivet kön", profile["other_sex"]),
        ("Ålder under 65 år", profile["age_under_65"]),
        ("Ålder 65–74 år", profile["age_65_74"]),
        ("Ålder 75–84 år", profile["age_75_84"]),
        ("Ålder 85 år och äldre", profile["age_85_plus"]),
        ("Bor ensam", profile["lives_alone"]),
        ("Ansökt om trygghetslarm", profile["safety_alarm"]),
        ("Gemensam bedömning (hembesök genomfört)", profile["joint_assessment"]),
        ("Efter slutenvård", profile["after_inpatient_stay"]),
    ]
    return [
        {"label": label, "count": small_cell(n), "share": share_of_people(n, total)}
        for label, n in rows
    ]


def _flow_rows(flow: dict) -> list[dict]:
    rows = [
        ("Ansökningar mottagna under perioden", small_cell(flow["received"])),
        ("– varav gemensamt hembesök genomfört", small_cell(flow["joint_visit_done"])),
    ]
    rows += [
        (f"– varav {Track(track).label}", small_cell(flow[f"track_{track.value}"]))
        for track in Track
    ]
    rows += [
        ("– varav överlämnade (utan spår)", small_cell(flow["handed_over"])),
        ("– fall med insatser", small_cell(flow["intervention_cases"])),
        ("Insatser (besök), antal", calc.group_thousands(flow["interventions"])),
        ("– varav arbetsterapeut", calc.group_thousands(flow["therapist_interventions"])),
        ("– varav fysioterapeut", calc.group_thousands(flow["physio_interventions"])),
        ("Insatser, tid", calc.format_hours_minutes(flow["intervention_minutes"])),
        ("– varav beslut fattat", small_cell(flow["decided"])),
        ("– varav uppföljning genomförd", small_cell(flow["followed_up"])),
    ]
    return [{"label": label, "value": value} for label, value in rows]


def _service_rows(services: list[indicators.ServiceRow]) -> list[dict]:
    rows = []
    for row in services:
        share = (
            percent(Decimal(row.granted_minutes) / Decimal(row.applied_minutes))
            if row.applied_minutes
            else indicators.MASKED_TEXT
        )
        minutes_known = row.has_minutes
        rows.append(
            {
                "name": row.name,
                "applicants": small_cell(row.applicants),
                "applied": masked(row.applicants, _minutes(row.applied_minutes))
                if minutes_known
                else indicators.MASKED_TEXT,
                "granted": masked(row.applicants, _minutes(row.granted_minutes))
                if minutes_known
                else indicators.MASKED_TEXT,
                "saved": masked(row.applicants, _minutes(row.applied_minutes - row.granted_minutes))
                if minutes_known
                else indicators.MASKED_TEXT,
                "share": masked(row.applicants, share) if minutes_known else indicators.MASKED_TEXT,
            }
        )
    return rows


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


def _hourly_rows(result: calc.HourlyResult) -> list[dict]:
    n = result.citizens
    rows = [
        ("Antal fall", small_cell(n)),
        ("Ansökt tid per vecka", masked(n, _minutes(result.applied_minutes_per_week))),
        ("Beviljad tid per vecka", masked(n, _minutes(result.granted_minutes_per_week))),
        ("Sparad tid per vecka", masked(n, _minutes(result.saved_minutes_per_week))),
        ("Sparade timmar per vecka", masked(n, result.saved_hours_per_week_text)),
        ("Besparing per vecka", masked(n, calc.format_kr(result.saved_kr_per_week))),
        ("Besparing per månad", masked(n, calc.format_kr(result.saved_kr_per_month))),
        ("Besparing per år", masked(n, calc.format_kr(result.saved_kr_per_year))),
        (
            "Andel av ansökt tid som behövdes (beviljat ÷ ansökt, minuter)",
            masked(n, percent(result.share_needed_by_minutes)),
        ),
        (
            "Andel av ansökta insatser som behövdes (beviljat ÷ ansökt, antal)",
            masked(n, percent(result.share_needed_by_count)),
        ),
    ]
    return [{"label": label, "value": value} for label, value in rows]


def _level_context(figures: Indicators) -> dict:
    levels = figures.levels
    movements = [
        {
            "before": row["before"],
            "after": row["after"],
            "direction": (
                "lägre"
                if row["after"] < row["before"]
                else "högre"
                if row["after"] > row["before"]
                else "oförändrad"
            ),
            "people": small_cell(row["people"]),
        }
        for row in figures.movements
    ]
    context: dict = {"movements": movements, "tariff": levels.tariff, "rows": []}
    result = levels.result
    if result is not None:
        n = result.citizens
        context["rows"] = [
            {"label": "Antal fall med nivåer i taxan", "value": small_cell(n)},
            {
                "label": "Minskad ersättning per månad (brutto)",
                "value": masked(n, calc.format_kr(result.gross_kr_per_month)),
            },
            {
                "label": "Arbetsterapeutens kostnad",
                "value": masked(n, calc.format_kr(result.therapist_cost_kr)),
            },
        ] + [
            {
                "label": f"Nettoeffekt efter {months} {'månad' if months == 1 else 'månader'}",
                "value": masked(n, calc.format_kr(amount)),
            }
            for months, amount in result.net_kr.items()
        ]
    context["outside_tariff"] = (
        small_cell(levels.cases_outside_tariff) if levels.cases_outside_tariff else ""
    )
    return context


def _vas_rows(vas: dict) -> list[dict]:
    def mean(value, n):
        if value is None:
            return indicators.MASKED_TEXT
        return masked(n, _decimal_text(calc.round_half_away(Decimal(str(value)), 1)))

    return [
        {
            "label": "Vid bedömningen",
            "mean": mean(vas["before_mean"], vas["before_n"]),
            "n": small_cell(vas["before_n"]),
        },
        {
            "label": "Vid uppföljningen",
            "mean": mean(vas["after_mean"], vas["after_n"]),
            "n": small_cell(vas["after_n"]),
        },
    ]


def _goal_rows(goals: list[dict]) -> list[dict]:
    labels = {value: str(label) for value, label in FollowUp.Attainment.choices}
    return [
        {
            "label": labels.get(row["latest"], "Inte följt upp ännu"),
            "goals": small_cell(row["goals"]),
            "people": small_cell(row["people"]),
        }
        for row in goals
    ]


def _closure_rows(closures: list[dict]) -> list[dict]:
    labels = {value: str(label) for value, label in CaseClosure.Reason.choices}
    return [
        {"label": labels.get(row["reason"], row["reason"]), "people": small_cell(row["people"])}
        for row in closures
    ]


def _annex(figures: Indicators) -> dict:
    teams: dict[str, dict] = {}
    months = []
    for row in figures.team_months:  # groups (team × month), not cases
        team = teams.setdefault(
            row.team, {"team": row.team, "cases": 0, "applied": 0, "granted": 0}
        )
        team["cases"] += row.cases
        team["applied"] += row.applied_minutes
        team["granted"] += row.granted_minutes
        months.append(
            {
                "team": row.team,
                "month": row.month.strftime("%Y-%m"),
                "cases": small_cell(row.cases),
                "applied": masked(row.cases, _minutes(row.applied_minutes)),
                "granted": masked(row.cases, _minutes(row.granted_minutes)),
                "saved": masked(row.cases, _minutes(row.saved_minutes)),
            }
        )
    team_rows = [
        {
            "team": team["team"],
            "cases": small_cell(team["cases"]),
            "applied": masked(team["cases"], _minutes(team["applied"])),
            "granted": masked(team["cases"], _minutes(team["granted"])),
            "saved": masked(team["cases"], _minutes(team["applied"] - team["granted"])),
            "share": masked(
                team["cases"],
                percent(Decimal(team["granted"]) / Decimal(team["applied"]))
                if team["applied"]
                else indicators.MASKED_TEXT,
            ),
        }
        for team in teams.values()
    ]
    return {"teams": team_rows, "months": months}


def _assumptions(figures: Indicators) -> list[dict]:
    hourly = indicators.hourly_assumptions(figures.parameters)
    parameters = figures.parameters
    levels = figures.levels
    versions = figures.hourly.assumptions.get("versions")
    if versions:
        # Decisions in the period fall under more than one parameter version; each case was
        # priced by the version valid on its decision date.
        cost_rows = [
            (
                "Hemtjänstens kostnad per timme och veckor per månad",
                "; ".join(
                    f"{_kr_parameter(Decimal(v['hourly_cost']))}/h, "
                    f"{_decimal_text(Decimal(v['weeks_per_month']))}"
                    for v in versions
                )
                + " (varje fall enligt versionen som gällde på beslutsdagen)",
            )
        ]
    else:
        cost_rows = [
            ("Hemtjänstens kostnad per timme", f"{_kr_parameter(hourly.hourly_cost)}/h"),
            ("Veckor per månad", _decimal_text(hourly.weeks_per_month)),
        ]
    rows = [
        *cost_rows,
        ("Månader per år", "12"),
        (
            "Parametrarna gäller",
            (
                f"från {_date(parameters.valid_from)}"
                + (f" till {_date(parameters.valid_to)}" if parameters.valid_to else "")
                if parameters
                else "standardvärden (ingen giltig parameteruppsättning)"
            ),
        ),
        (
            "Arbetsterapeutens kostnad per timme",
            f"{_kr_parameter(levels.assumptions.therapist_hourly_cost)}/h",
        ),
        (
            "Arbetsterapeutens kostnad räknas",
            "en gång per fall" if levels.assumptions.therapist_cost == "once" else "varje månad",
        ),
        (
            "Taxa (nivåmodellen)",
            f"{levels.tariff.name}, gäller från {_date(levels.tariff.valid_from)}"
            if levels.tariff
            else f"ingen taxa gäller {_date(figures.scope.period_end)}",
        ),
        (
            "Urval",
            "ärenden med beslut under perioden i valda team och spår; "
            "överlämnade ärenden utan spår ingår bara när alla spår är valda",
        ),
        (
            "Sparad tid",
            "ansökta minuter per vecka minus beviljade minuter per vecka, summerat över insatserna",
        ),
        (
            "Avrundning",
            "beräkningen görs med full precision och avrundas till hela kronor först vid "
            "visning (halvor bort från noll)",
        ),
        (
            "Små tal",
            "antal personer under 5 visas som <5, även andelar av sådana celler; "
            "summor och medelvärden för färre än 5 personer visas som –",
        ),
    ]
    return [{"label": label, "value": value} for label, value in rows]


def build_context(scope: Scope, *, created_at: datetime.datetime | None = None) -> dict:
    """Everything the PDF template shows, as display strings (Swedish)."""
    figures = indicators.compute(scope)
    with translation.override("sv"):
        team_names = list(
            Team.objects.filter(pk__in=scope.team_ids).values_list("name", flat=True)
        ) or ["Alla team"]
        hourly = figures.hourly
        chosen = indicators.positive_examples(scope)
        examples = [
            {"label": label, "text": text}
            for label, text in zip(_case_letters(len(chosen)), chosen, strict=True)
        ]
        created = timezone.localtime(created_at or timezone.now())
        return {
            "title": f"Uppföljningsrapport {_date(scope.period_start)}–{_date(scope.period_end)}",
            "period_start": _date(scope.period_start),
            "period_end": _date(scope.period_end),
            "teams": team_names,
            "tracks": track_labels(scope.tracks) if scope.tracks else ["Alla spår"],
            "created": created.strftime("%Y-%m-%d %H:%M"),
            "people": small_cell(figures.profile["people"]),
            "cases": small_cell(figures.profile["cases"]),
            "profile_rows": _profile_rows(figures.profile),
            "flow_rows": _flow_rows(figures.flow),
            "service_rows": _service_rows(figures.services),
            "service_chart": service_chart(figures.services),
            "hourly_rows": _hourly_rows(hourly),
            "levels": _level_context(figures),
            "vas_rows": _vas_rows(figures.vas),
            "vas_paired": small_cell(figures.vas["paired_n"]),
            "goal_rows": _goal_rows(figures.goals),
            "closure_rows": _closure_rows(figures.closures),
            "examples": examples,
            "assumptions": _assumptions(figures),
            "annex": _annex(figures),
        }


def report_context(report: ReportRequest) -> dict:
    return build_context(scope_of(report))


def render_report_html(context: dict) -> str:
    with translation.override("sv"):
        return render_to_string("followup/report_pdf.html", context)


def render_report_pdf(context: dict) -> bytes:
    return render_pdf(render_report_html(context))
