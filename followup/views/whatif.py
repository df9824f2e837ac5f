"""The what-if page: the two savings models (DESIGN.md, "Money: the two savings models") on
figures a manager or administrator uploads or types in.

Nothing is saved, and the page reads no case data: the cases come from the uploaded CSV
file or the typed totals, and the only rows read from the database are the savings
parameters and the tariff valid today. As no citizen's record is read, the page writes
nothing to the access log. Uploads are read in memory and forgotten with the response.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from followup import models
from followup.calc import (
    HOURLY_COST,
    NBSP,
    THERAPIST_HOURLY_COST,
    WEEKS_PER_MONTH,
    CaseMinutes,
    HourlyAssumptions,
    HourlyResult,
    LevelAssumptions,
    LevelResult,
    Tariff,
    TariffLevelMissing,
    cases_from_services,
    format_hours_minutes,
    format_kr,
    hourly_model,
    level_model,
    round_half_away,
)
from followup.forms.whatif import SOURCE_FILE, HourlyWhatIfForm, LevelWhatIfForm
from followup.savings_csv import Problems, read_hourly_cases, read_level_cases, read_tariff
from rehab.permissions import permission_required

MAX_PROBLEMS_SHOWN = 50

# Names the uploads go by in ``Problems``; the page shows each upload's problems at its field.
CASES = "cases"
TARIFF = "tariff"


# --- what is valid today --------------------------------------------------------------------


def parameters_valid_on(day) -> models.SavingsParameters | None:
    return models.SavingsParameters.objects.valid_on(day)


def tariff_valid_on(day) -> models.Tariff | None:
    return models.Tariff.objects.prefetch_related("levels").valid_on(day)


def tariff_from_model(tariff: models.Tariff) -> Tariff:
    return Tariff({row.level: row.monthly_compensation for row in tariff.levels.all()})


def _plain(value: Decimal) -> Decimal:
    """``Decimal("200.00")`` → ``Decimal("200")`` so that forms and pages show no zero tail."""
    value = Decimal(value)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _tariff_text(tariff: models.Tariff) -> str:
    return gettext("%(name)s, valid from %(date)s") % {
        "name": tariff.name,
        "date": f"{tariff.valid_from:%Y-%m-%d}",
    }


@dataclasses.dataclass(frozen=True)
class Defaults:
    hourly_cost: Decimal
    weeks_per_month: Decimal
    therapist_hourly_cost: Decimal
    parameters: models.SavingsParameters | None

    @classmethod
    def on(cls, day) -> Defaults:
        parameters = parameters_valid_on(day)
        if parameters is None:
            return cls(
                hourly_cost=HOURLY_COST,
                weeks_per_month=WEEKS_PER_MONTH,
                therapist_hourly_cost=THERAPIST_HOURLY_COST,
                parameters=None,
            )
        return cls(
            hourly_cost=_plain(parameters.hourly_cost),
            weeks_per_month=_plain(parameters.weeks_per_month),
            therapist_hourly_cost=_plain(parameters.therapist_hourly_cost),
            parameters=parameters,
        )


# --- showing problems -------------------------------------------------------------------------


def _problem_text(problem) -> str:
    if problem.row is not None and problem.column:
        return gettext("Row %(row)s, column %(column)s: %(message)s") % {
            "row": problem.row,
            "column": problem.column,
            "message": problem.message,
        }
    if problem.row is not None:
        return gettext("Row %(row)s: %(message)s") % {
            "row": problem.row,
            "message": problem.message,
        }
    return problem.message


def _show_problems(form, field: str, items) -> None:
    if not items:
        return
    form.add_error(
        field,
        ngettext(
            "The file has %(count)s problem; nothing was computed:",
            "The file has %(count)s problems; nothing was computed:",
            len(items),
        )
        % {"count": len(items)},
    )
    for problem in items[:MAX_PROBLEMS_SHOWN]:
        form.add_error(field, _problem_text(problem))
    if len(items) > MAX_PROBLEMS_SHOWN:
        form.add_error(
            field,
            gettext("… and %(count)s more problems.") % {"count": len(items) - MAX_PROBLEMS_SHOWN},
        )


# --- display values ---------------------------------------------------------------------------


def _percent(share: Decimal | None) -> str | None:
    return None if share is None else f"{round_half_away(share * 100)}{NBSP}%"


def _hourly_display(result: HourlyResult) -> dict[str, Any]:
    return {
        "citizens": result.citizens,
        "applied_minutes": _plain(result.applied_minutes_per_week),
        "granted_minutes": _plain(result.granted_minutes_per_week),
        "saved_minutes": _plain(result.saved_minutes_per_week),
        "saved_time": format_hours_minutes(result.saved_minutes_per_week),
        "kr_per_week": format_kr(result.saved_kr_per_week),
        "kr_per_month": format_kr(result.saved_kr_per_month),
        "kr_per_year": format_kr(result.saved_kr_per_year),
        "share_by_minutes": _percent(result.share_needed_by_minutes),
        "share_by_count": _percent(result.share_needed_by_count),
        "applied_services": result.applied_services,
        "granted_services": result.granted_services,
    }


def _level_display(result: LevelResult, months: tuple[int, ...]) -> dict[str, Any]:
    return {
        "citizens": result.citizens,
        "gross_per_month": format_kr(result.gross_kr_per_month),
        "therapist_cost": format_kr(result.therapist_cost_kr),
        "therapist_hours": _plain(sum((c.therapist_hours for c in result.cases), Decimal(0))),
        "net": [(count, format_kr(result.net_kr[count])) for count in months],
    }


# --- the two models -------------------------------------------------------------------------


def _hourly(form: HourlyWhatIfForm, defaults: Defaults) -> dict[str, Any] | None:
    data = form.cleaned_data
    assumptions = HourlyAssumptions(
        hourly_cost=data["hourly_cost"], weeks_per_month=data["weeks_per_month"]
    )
    warnings: list[dict[str, Any]] = []
    if data["source"] == SOURCE_FILE:
        upload = data["cases_file"]
        problems = Problems()
        services, rows_of_case = read_hourly_cases(CASES, problems, data=upload.read())
        if problems:
            _show_problems(form, "cases_file", problems.of_file(CASES))
            return None
        result = hourly_model(cases_from_services(services), assumptions)
        source = {"file": upload.name, "rows": len(services)}
        for case in result.flagged_cases:
            warnings.append(
                {
                    "case_id": case.case_id,
                    "rows": ", ".join(str(row) for row in rows_of_case[case.case_id]),
                    "applied": _plain(case.applied_minutes_per_week),
                    "granted": _plain(case.granted_minutes_per_week),
                }
            )
    else:
        totals = CaseMinutes(
            case_id="totals",
            applied_minutes_per_week=data["applied_minutes"],
            granted_minutes_per_week=data["granted_minutes"],
        )
        # One sum stands for the whole group; the group's size is what was typed.
        result = dataclasses.replace(hourly_model([totals], assumptions), citizens=data["citizens"])
        source = {"file": None}
        if result.flagged_cases:
            warnings.append({"case_id": None})
    return {
        "values": _hourly_display(result),
        "source": source,
        "warnings": warnings,
        "assumptions": {
            "hourly_cost": _plain(assumptions.hourly_cost),
            "hourly_cost_default": defaults.hourly_cost,
            "hourly_cost_changed": assumptions.hourly_cost != defaults.hourly_cost,
            "weeks_per_month": _plain(assumptions.weeks_per_month),
            "weeks_per_month_default": defaults.weeks_per_month,
            "weeks_per_month_changed": assumptions.weeks_per_month != defaults.weeks_per_month,
            "months_per_year": 12,
        },
    }


def _level(
    form: LevelWhatIfForm, defaults: Defaults, current: models.Tariff | None
) -> dict[str, Any] | None:
    data = form.cleaned_data
    problems = Problems()
    tariff: Tariff | None = None
    tariff_source: dict[str, Any] = {}
    if data["tariff_file"]:
        tariff = read_tariff(TARIFF, problems, data=data["tariff_file"].read())
        tariff_source = {"file": data["tariff_file"].name}
    elif current is not None:
        tariff = tariff_from_model(current)
        tariff_source = {"file": None, "text": _tariff_text(current)}
    cases_upload = data["cases_file"]
    cases = read_level_cases(CASES, tariff, problems, data=cases_upload.read())
    if problems or tariff is None:
        _show_problems(form, "cases_file", problems.of_file(CASES))
        _show_problems(form, "tariff_file", problems.of_file(TARIFF))
        return None
    assumptions = LevelAssumptions(
        therapist_hourly_cost=data["therapist_hourly_cost"],
        therapist_cost=data["therapist_cost"],
        months=data["months"],
    )
    try:
        result = level_model(cases, tariff, assumptions)
    except TariffLevelMissing as error:  # read_level_cases checks the levels first
        form.add_error("cases_file", str(error))
        return None
    return {
        "values": _level_display(result, assumptions.months),
        "source": {"file": cases_upload.name, "rows": len(cases)},
        "tariff_source": tariff_source,
        "assumptions": {
            "therapist_hourly_cost": _plain(assumptions.therapist_hourly_cost),
            "therapist_hourly_cost_default": defaults.therapist_hourly_cost,
            "therapist_hourly_cost_changed": (
                assumptions.therapist_hourly_cost != defaults.therapist_hourly_cost
            ),
            "therapist_cost": assumptions.therapist_cost,
            "months": assumptions.months,
            "tariff": [
                (level, format_kr(amount)) for level, amount in sorted(tariff.levels.items())
            ],
        },
    }


@permission_required("followup.use_whatif")
def whatif(request):
    """Both models on one page; a POST computes the model whose form was sent."""
    today = timezone.localdate()
    defaults = Defaults.on(today)
    current = tariff_valid_on(today)
    current_text = _tariff_text(current) if current is not None else None
    hourly_initial = {
        "hourly_cost": defaults.hourly_cost,
        "weeks_per_month": defaults.weeks_per_month,
    }
    level_initial = {"therapist_hourly_cost": defaults.therapist_hourly_cost}

    hourly_form = HourlyWhatIfForm(initial=hourly_initial)
    level_form = LevelWhatIfForm(initial=level_initial, current_tariff_text=current_text)
    hourly_result = level_result = None
    sent = request.POST.get("model") if request.method == "POST" else None
    if sent == "hourly":
        hourly_form = HourlyWhatIfForm(request.POST, request.FILES, initial=hourly_initial)
        if hourly_form.is_valid():
            hourly_result = _hourly(hourly_form, defaults)
    elif sent == "level":
        level_form = LevelWhatIfForm(
            request.POST,
            request.FILES,
            initial=level_initial,
            current_tariff_text=current_text,
        )
        if level_form.is_valid():
            level_result = _level(level_form, defaults, current)

    context = {
        "hourly_form": hourly_form,
        "level_form": level_form,
        "hourly": hourly_result,
        "level": level_result,
        "sent": sent,
        "defaults": defaults,
        "today": today,
        "max_problems_shown": MAX_PROBLEMS_SHOWN,
    }
    return render(request, "followup/whatif.html", context)
