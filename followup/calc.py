"""Savings engine: the hourly model, the level (tariff) model and the projection.

Plain functions over plain values. Every amount is a ``Decimal`` kept at full precision;
rounding happens only for display (``round_kr``, ``format_kr``, ``round_share``), half away
from zero, as a spreadsheet's ROUND does. See DESIGN.md, "Money: the two savings models" and
"Projection".

Money is written as text here only: ``format_kr`` (whole kronor), ``format_kr_amount`` (the
same without the unit), ``format_kr_price`` (to the öre, for parameters) and
``format_mnkr_range`` (million kronor with one decimal, "8,0–10,0 mnkr").
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any, Literal, cast

from django.db.models.enums import TextChoices
from django.utils.translation import gettext_lazy as _

MINUTES_PER_HOUR = Decimal(60)
MONTHS_PER_YEAR = Decimal(12)
NBSP = "\u00a0"

# The defaults where no savings parameters say otherwise (and the first parameter version
# every installation starts with): home care and therapist cost per hour, weeks per month.
HOURLY_COST = Decimal("200")
WEEKS_PER_MONTH = Decimal("4.5")
THERAPIST_HOURLY_COST = Decimal("337.50")

GRANTED_ABOVE_APPLIED = "granted_above_applied"

TherapistCost = Literal["once", "monthly"]
THERAPIST_COST_CHOICES: tuple[str, ...] = ("once", "monthly")


# --- rounding and formatting (display only) -------------------------------------------


def round_half_away(value: Decimal, places: int = 0) -> Decimal:
    """Round ``value`` to ``places`` decimals, halves away from zero (2.5 → 3, −2.5 → −3)."""
    value = Decimal(value)
    exponent = Decimal(1).scaleb(-places)
    rounded = abs(value).quantize(exponent, rounding=ROUND_HALF_UP)
    return -rounded if value < 0 else rounded


def round_kr(value: Decimal) -> int:
    """Whole kronor, halves away from zero."""
    return int(round_half_away(value))


def round_share(value: Decimal | None, places: int = 2) -> Decimal | None:
    """A share (0.6783…) rounded for display (0.68); ``None`` stays ``None``."""
    return None if value is None else round_half_away(value, places)


def group_thousands(number: int) -> str:
    """``2633`` → ``"2 633"`` with a non-breaking space, as written in Swedish."""
    sign = "-" if number < 0 else ""
    return sign + f"{abs(number):,}".replace(",", NBSP)


def format_kr_amount(value: Decimal) -> str:
    """``Decimal("2633.33")`` → ``"2 633"``: whole kronor without the unit (non-breaking
    space), for columns whose heading names the unit."""
    return group_thousands(round_kr(value))


def format_kr(value: Decimal) -> str:
    """``Decimal("2633.33")`` → ``"2 633 kr"`` (non-breaking spaces)."""
    return f"{format_kr_amount(value)}{NBSP}kr"


def format_kr_price(value: Decimal) -> str:
    """A price to the öre, as a parameter is written: ``Decimal("200.00")`` → ``"200 kr"``,
    ``Decimal("337.50")`` → ``"337,50 kr"`` (non-breaking spaces)."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{group_thousands(int(value))}{NBSP}kr"
    return f"{round_half_away(value, 2):f}".replace(".", ",") + f"{NBSP}kr"


def format_hours_minutes(minutes: Decimal | int) -> str:
    """``790`` → ``"13 h 10 min"``; minutes are rounded to whole minutes first."""
    total = round_half_away(Decimal(minutes))
    sign = "-" if total < 0 else ""
    hours, rest = divmod(int(abs(total)), 60)
    return f"{sign}{hours} h {rest} min"


def decimal_text(value: Decimal) -> str:
    """A Decimal as plain text without exponent (``Decimal("1E+2")`` → ``"100"``)."""
    return f"{value:f}"


# --- calendar months -------------------------------------------------------------------------


def next_month(first: datetime.date) -> datetime.date:
    """The first day of the month after ``first``'s."""
    return (first.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def month_end(first: datetime.date) -> datetime.date:
    """The last day of ``first``'s month."""
    return next_month(first) - datetime.timedelta(days=1)


def months_from(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first day of every calendar month from ``start``'s to ``end``'s."""
    months = []
    month = start.replace(day=1)
    while month <= end:
        months.append(month)
        month = next_month(month)
    return months


# --- hourly model -------------------------------------------------------------------------


@dataclass(frozen=True)
class HourlyAssumptions:
    hourly_cost: Decimal = HOURLY_COST
    weeks_per_month: Decimal = WEEKS_PER_MONTH

    def __post_init__(self) -> None:
        object.__setattr__(self, "hourly_cost", Decimal(self.hourly_cost))
        object.__setattr__(self, "weeks_per_month", Decimal(self.weeks_per_month))
        if not self.hourly_cost.is_finite() or self.hourly_cost < 0:
            raise ValueError(f"hourly cost must be zero or more, got {self.hourly_cost}")
        if not self.weeks_per_month.is_finite() or self.weeks_per_month <= 0:
            raise ValueError(f"weeks per month must be above zero, got {self.weeks_per_month}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "hourly_cost": decimal_text(self.hourly_cost),
            "weeks_per_month": decimal_text(self.weeks_per_month),
        }


@dataclass(frozen=True)
class ServiceMinutes:
    """One applied service of a case (one row of a decision): minutes per week."""

    case_id: str
    applied_minutes_per_week: Decimal
    granted_minutes_per_week: Decimal
    service: str = ""


@dataclass(frozen=True)
class CaseMinutes:
    """Applied and granted minutes per week of one case, summed over its services.

    ``applied_services`` / ``granted_services`` count the case's services with minutes
    above zero; leave them ``None`` when unknown (then no share by count is computed).
    ``assumptions``, when given, are the ones valid on this case's decision date and price
    this case instead of the model's common assumptions.
    """

    case_id: str
    applied_minutes_per_week: Decimal
    granted_minutes_per_week: Decimal
    applied_services: int | None = None
    granted_services: int | None = None
    assumptions: HourlyAssumptions | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "applied_minutes_per_week", Decimal(self.applied_minutes_per_week))
        object.__setattr__(self, "granted_minutes_per_week", Decimal(self.granted_minutes_per_week))
        for name in ("applied_minutes_per_week", "granted_minutes_per_week"):
            value = getattr(self, name)
            if not value.is_finite() or value < 0:
                raise ValueError(f"case {self.case_id}: {name} must be zero or more, got {value}")


def cases_from_services(rows: Iterable[ServiceMinutes]) -> list[CaseMinutes]:
    """Sum service rows per case (first-seen order) and count services with minutes > 0."""
    applied: dict[str, Decimal] = {}
    granted: dict[str, Decimal] = {}
    applied_count: dict[str, int] = {}
    granted_count: dict[str, int] = {}
    for row in rows:
        key = row.case_id
        applied_minutes = Decimal(row.applied_minutes_per_week)
        granted_minutes = Decimal(row.granted_minutes_per_week)
        applied[key] = applied.get(key, Decimal(0)) + applied_minutes
        granted[key] = granted.get(key, Decimal(0)) + granted_minutes
        applied_count[key] = applied_count.get(key, 0) + (applied_minutes > 0)
        granted_count[key] = granted_count.get(key, 0) + (granted_minutes > 0)
    return [
        CaseMinutes(
            case_id=key,
            applied_minutes_per_week=applied[key],
            granted_minutes_per_week=granted[key],
            applied_services=applied_count[key],
            granted_services=granted_count[key],
        )
        for key in applied
    ]


@dataclass(frozen=True)
class HourlyCaseResult:
    case_id: str
    applied_minutes_per_week: Decimal
    granted_minutes_per_week: Decimal
    saved_minutes_per_week: Decimal
    applied_services: int | None
    granted_services: int | None
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class HourlyResult:
    cases: tuple[HourlyCaseResult, ...]
    citizens: int
    applied_minutes_per_week: Decimal
    granted_minutes_per_week: Decimal
    saved_minutes_per_week: Decimal
    saved_hours_per_week: Decimal
    share_needed_by_minutes: Decimal | None
    applied_services: int | None
    granted_services: int | None
    share_needed_by_count: Decimal | None
    saved_kr_per_week: Decimal
    saved_kr_per_month: Decimal
    saved_kr_per_year: Decimal
    assumptions: dict[str, Any] = field(default_factory=dict)

    @property
    def saved_hours_per_week_text(self) -> str:
        return format_hours_minutes(self.saved_minutes_per_week)

    @property
    def flagged_cases(self) -> tuple[HourlyCaseResult, ...]:
        return tuple(case for case in self.cases if case.flags)


def _share(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    return None if whole == 0 else Decimal(part) / Decimal(whole)


def hourly_model(
    cases: Iterable[CaseMinutes], assumptions: HourlyAssumptions | None = None
) -> HourlyResult:
    """Saved minutes, hours and kronor per week, month and year (Timrå's model)."""
    assumptions = assumptions or HourlyAssumptions()
    cases_in = list(cases)
    case_results = []
    for case in cases_in:
        flags: tuple[str, ...] = ()
        if case.granted_minutes_per_week > case.applied_minutes_per_week:
            flags = (GRANTED_ABOVE_APPLIED,)
        case_results.append(
            HourlyCaseResult(
                case_id=case.case_id,
                applied_minutes_per_week=case.applied_minutes_per_week,
                granted_minutes_per_week=case.granted_minutes_per_week,
                saved_minutes_per_week=(
                    case.applied_minutes_per_week - case.granted_minutes_per_week
                ),
                applied_services=case.applied_services,
                granted_services=case.granted_services,
                flags=flags,
            )
        )
    applied = sum((c.applied_minutes_per_week for c in case_results), Decimal(0))
    granted = sum((c.granted_minutes_per_week for c in case_results), Decimal(0))
    saved = applied - granted

    counts_known = bool(case_results) and all(
        c.applied_services is not None and c.granted_services is not None for c in case_results
    )
    applied_services = sum(c.applied_services or 0 for c in case_results) if counts_known else None
    granted_services = sum(c.granted_services or 0 for c in case_results) if counts_known else None

    # Kronor are computed as minutes × cost ÷ 60 so that the only division comes last; each
    # case is priced by its own assumptions when it carries them.
    priced = [(case, case.assumptions or assumptions) for case in cases_in]
    kr_minutes = sum(
        (
            result.saved_minutes_per_week * rates.hourly_cost
            for result, (_case, rates) in zip(case_results, priced, strict=True)
        ),
        Decimal(0),
    )
    kr_minutes_month = sum(
        (
            result.saved_minutes_per_week * rates.hourly_cost * rates.weeks_per_month
            for result, (_case, rates) in zip(case_results, priced, strict=True)
        ),
        Decimal(0),
    )
    used = sorted(
        {rates for _case, rates in priced}, key=lambda a: (a.hourly_cost, a.weeks_per_month)
    )
    return HourlyResult(
        cases=tuple(case_results),
        citizens=len(case_results),
        applied_minutes_per_week=applied,
        granted_minutes_per_week=granted,
        saved_minutes_per_week=saved,
        saved_hours_per_week=saved / MINUTES_PER_HOUR,
        share_needed_by_minutes=_share(granted, applied),
        applied_services=applied_services,
        granted_services=granted_services,
        share_needed_by_count=(
            # Both counts are known or neither is.
            _share(cast(int, granted_services), applied_services)
            if applied_services is not None
            else None
        ),
        saved_kr_per_week=kr_minutes / MINUTES_PER_HOUR,
        saved_kr_per_month=kr_minutes_month / MINUTES_PER_HOUR,
        saved_kr_per_year=kr_minutes_month * MONTHS_PER_YEAR / MINUTES_PER_HOUR,
        assumptions=(
            used[0].as_dict()
            if len(used) == 1
            else {"versions": [rates.as_dict() for rates in used]}
        )
        if used
        else assumptions.as_dict(),
    )


# --- level (tariff) model -----------------------------------------------------------------


# A case with no needs level before (None, or "-" in a file) counts as level 0, which costs
# nothing unless the tariff gives it a price.
NO_LEVEL = 0


class TariffLevelMissing(ValueError):
    """A case names a needs level that the tariff does not price."""

    def __init__(self, level: int, known_levels: Iterable[int], case_id: str | None = None):
        self.level = level
        self.case_id = case_id
        self.known_levels = tuple(sorted(known_levels))
        known = ", ".join(str(lvl) for lvl in self.known_levels) or "none"
        where = f"case {case_id}: " if case_id is not None else ""
        super().__init__(f"{where}level {level} is not in the tariff (levels: {known})")


@dataclass(frozen=True)
class Tariff:
    """Monthly compensation per needs level (kr per month)."""

    levels: Mapping[int, Decimal]

    def __post_init__(self) -> None:
        frozen = {int(level): Decimal(amount) for level, amount in self.levels.items()}
        object.__setattr__(self, "levels", MappingProxyType(frozen))

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.levels.items())))

    def compensation(self, level: int, case_id: str | None = None) -> Decimal:
        """The monthly compensation of ``level``; level 0 (no needs level, as a case with no
        level before is taken) is 0 kr unless the tariff prices it."""
        try:
            return self.levels[level]
        except KeyError:
            if level == NO_LEVEL:
                return Decimal(0)
            raise TariffLevelMissing(level, self.levels, case_id) from None

    def prices(self, level: int) -> bool:
        return level in self.levels or level == NO_LEVEL

    def as_dict(self) -> dict[str, str]:
        return {str(level): decimal_text(self.levels[level]) for level in sorted(self.levels)}


@dataclass(frozen=True)
class LevelAssumptions:
    therapist_hourly_cost: Decimal = THERAPIST_HOURLY_COST
    therapist_cost: TherapistCost = "once"
    months: tuple[int, ...] = (1, 6)

    def __post_init__(self) -> None:
        object.__setattr__(self, "therapist_hourly_cost", Decimal(self.therapist_hourly_cost))
        object.__setattr__(self, "months", tuple(dict.fromkeys(int(m) for m in self.months)))
        cost = self.therapist_hourly_cost
        if not cost.is_finite() or cost < 0:
            raise ValueError(f"therapist hourly cost must be zero or more, got {cost}")
        if self.therapist_cost not in THERAPIST_COST_CHOICES:
            raise ValueError(
                f"therapist cost must be 'once' or 'monthly', got {self.therapist_cost!r}"
            )
        if not self.months or any(m < 1 for m in self.months):
            raise ValueError(f"months must be one or more whole numbers ≥ 1, got {self.months}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "therapist_hourly_cost": decimal_text(self.therapist_hourly_cost),
            "therapist_cost": self.therapist_cost,
            "months": list(self.months),
        }


@dataclass(frozen=True)
class LevelCase:
    """One case of the level model; ``tariff``, when given, is the one valid on the case's
    decision date and prices this case instead of the model's common tariff. A case with no
    level before (``None``) is taken as level 0 (``NO_LEVEL``)."""

    case_id: str
    level_before: int
    level_after: int
    therapist_hours: Decimal = Decimal(0)
    tariff: Tariff | None = None

    def __post_init__(self) -> None:
        if self.level_before is None:
            object.__setattr__(self, "level_before", NO_LEVEL)
        object.__setattr__(self, "therapist_hours", Decimal(self.therapist_hours))
        if not self.therapist_hours.is_finite() or self.therapist_hours < 0:
            raise ValueError(
                f"case {self.case_id}: therapist hours must be zero or more, "
                f"got {self.therapist_hours}"
            )


@dataclass(frozen=True)
class LevelCaseResult:
    case_id: str
    level_before: int
    level_after: int
    therapist_hours: Decimal
    compensation_before: Decimal
    compensation_after: Decimal
    gross_kr_per_month: Decimal
    therapist_cost_kr: Decimal
    net_kr: Mapping[int, Decimal]


@dataclass(frozen=True)
class LevelResult:
    cases: tuple[LevelCaseResult, ...]
    citizens: int
    gross_kr_per_month: Decimal
    therapist_cost_kr: Decimal
    net_kr: Mapping[int, Decimal]
    assumptions: dict[str, Any] = field(default_factory=dict)


def net_over_months(
    gross_per_month: Decimal, therapist_cost: Decimal, months: int, convention: TherapistCost
) -> Decimal:
    """N × gross − cost ("once") or N × (gross − cost) ("monthly")."""
    if convention == "monthly":
        return months * (gross_per_month - therapist_cost)
    return months * gross_per_month - therapist_cost


def level_model(
    cases: Iterable[LevelCase], tariff: Tariff, assumptions: LevelAssumptions | None = None
) -> LevelResult:
    """Net effect of level changes over N months, less the therapist's cost (Örebro's model).

    Raises ``TariffLevelMissing`` for a level the tariff does not price.
    """
    assumptions = assumptions or LevelAssumptions()
    case_results = []
    for case in cases:
        prices = case.tariff or tariff
        before = prices.compensation(case.level_before, case.case_id)
        after = prices.compensation(case.level_after, case.case_id)
        gross = before - after
        therapist_cost = case.therapist_hours * assumptions.therapist_hourly_cost
        net = {
            months: net_over_months(gross, therapist_cost, months, assumptions.therapist_cost)
            for months in assumptions.months
        }
        case_results.append(
            LevelCaseResult(
                case_id=case.case_id,
                level_before=case.level_before,
                level_after=case.level_after,
                therapist_hours=case.therapist_hours,
                compensation_before=before,
                compensation_after=after,
                gross_kr_per_month=gross,
                therapist_cost_kr=therapist_cost,
                net_kr=MappingProxyType(net),
            )
        )
    total_net = {
        months: sum((c.net_kr[months] for c in case_results), Decimal(0))
        for months in assumptions.months
    }
    return LevelResult(
        cases=tuple(case_results),
        citizens=len(case_results),
        gross_kr_per_month=sum((c.gross_kr_per_month for c in case_results), Decimal(0)),
        therapist_cost_kr=sum((c.therapist_cost_kr for c in case_results), Decimal(0)),
        net_kr=MappingProxyType(total_net),
        assumptions={**assumptions.as_dict(), "tariff": tariff.as_dict()},
    )


# --- display summaries (rounded, JSON-ready) ----------------------------------------------


def display_number(value: Decimal) -> int | float:
    """Minutes or hours as a JSON number: an ``int`` when whole, else a ``float``."""
    return int(value) if value == value.to_integral_value() else float(value)


def _share_number(value: Decimal | None) -> float | None:
    rounded = round_share(value)
    return None if rounded is None else float(rounded)


def hourly_summary(result: HourlyResult) -> dict[str, Any]:
    """The hourly result as plain, rounded values (the ``savings hourly`` JSON document)."""
    return {
        "model": "hourly",
        "assumptions": dict(result.assumptions),
        "cases": [
            {
                "case_id": case.case_id,
                "applied_minutes_per_week": display_number(case.applied_minutes_per_week),
                "granted_minutes_per_week": display_number(case.granted_minutes_per_week),
                "saved_minutes_per_week": display_number(case.saved_minutes_per_week),
                "applied_services": case.applied_services,
                "granted_services": case.granted_services,
                "flags": list(case.flags),
            }
            for case in result.cases
        ],
        "totals": {
            "citizens": result.citizens,
            "applied_minutes_per_week": display_number(result.applied_minutes_per_week),
            "granted_minutes_per_week": display_number(result.granted_minutes_per_week),
            "saved_minutes_per_week": display_number(result.saved_minutes_per_week),
            "saved_hours_per_week_text": result.saved_hours_per_week_text,
            "share_needed_by_minutes": _share_number(result.share_needed_by_minutes),
            "applied_services": result.applied_services,
            "granted_services": result.granted_services,
            "share_needed_by_count": _share_number(result.share_needed_by_count),
            "saved_kr_per_week": round_kr(result.saved_kr_per_week),
            "saved_kr_per_month": round_kr(result.saved_kr_per_month),
            "saved_kr_per_year": round_kr(result.saved_kr_per_year),
        },
    }


def _net_kr_display(net: Mapping[int, Decimal]) -> dict[str, int]:
    return {str(months): round_kr(amount) for months, amount in net.items()}


def level_summary(result: LevelResult) -> dict[str, Any]:
    """The level result as plain, rounded values (the ``savings level`` JSON document)."""
    return {
        "model": "level",
        "assumptions": dict(result.assumptions),
        "cases": [
            {
                "case_id": case.case_id,
                "level_before": case.level_before,
                "level_after": case.level_after,
                "therapist_hours": display_number(case.therapist_hours),
                "gross_kr_per_month": round_kr(case.gross_kr_per_month),
                "therapist_cost_kr": round_kr(case.therapist_cost_kr),
                "net_kr": _net_kr_display(case.net_kr),
            }
            for case in result.cases
        ],
        "totals": {
            "citizens": result.citizens,
            "gross_kr_per_month": round_kr(result.gross_kr_per_month),
            "therapist_cost_kr": round_kr(result.therapist_cost_kr),
            "net_kr": _net_kr_display(result.net_kr),
        },
    }


# --- level 0 and the therapist-cost convention of a level result ----------------------------


def with_therapist_cost(result: LevelResult, convention: TherapistCost) -> LevelResult:
    """The same cases with the therapist's cost charged by ``convention`` ("once" per case,
    or "monthly" as the Örebro report does): the gross and the cost stay, the nets change."""
    if convention not in THERAPIST_COST_CHOICES:
        raise ValueError(f"therapist cost must be 'once' or 'monthly', got {convention!r}")
    months = tuple(int(m) for m in result.assumptions.get("months", ()))
    if not months:
        months = tuple(result.net_kr)
    cases = tuple(
        LevelCaseResult(
            case_id=case.case_id,
            level_before=case.level_before,
            level_after=case.level_after,
            therapist_hours=case.therapist_hours,
            compensation_before=case.compensation_before,
            compensation_after=case.compensation_after,
            gross_kr_per_month=case.gross_kr_per_month,
            therapist_cost_kr=case.therapist_cost_kr,
            net_kr=MappingProxyType(
                {
                    m: net_over_months(
                        case.gross_kr_per_month, case.therapist_cost_kr, m, convention
                    )
                    for m in months
                }
            ),
        )
        for case in result.cases
    )
    total = {m: sum((c.net_kr[m] for c in cases), Decimal(0)) for m in months}
    return LevelResult(
        cases=cases,
        citizens=result.citizens,
        gross_kr_per_month=result.gross_kr_per_month,
        therapist_cost_kr=result.therapist_cost_kr,
        net_kr=MappingProxyType(total),
        assumptions={**result.assumptions, "therapist_cost": convention},
    )


# --- projection (breddinförande) ------------------------------------------------------------
#
# From the number of citizens per service form and trajectory (förlopp), what each costs a
# month now (a low and a high estimate), and what is expected after the rehabilitation
# (independent: nothing; none: the same; level:N: the tariff of needs level N), the yearly
# net effect of offering joint assessments to the whole service area:
#
#     yearly net = citizens × 12 × (cost now − cost after) − citizens × H × K
#
# for every row (``none`` included), once with the low and once with the high cost now; H is
# the therapist's hours per citizen and K the therapist's hourly cost. With existing
# resources (Örebro: "jobbar med befintliga resurser i 1 år") the therapist's cost is left out.


class ServiceForm(TextChoices):
    """The form of service a citizen has now. The codes are stable (files, JSON, URLs)."""

    HOME_HELP = "home_help", _("Home help")
    HOUSING_SUPPORT = "housing_support", _("Housing support")
    SPECIAL_HOUSING = "special_housing", _("Special housing")
    LSS_SERVICE_HOUSING = "lss_service_housing", _("Service housing under LSS")


# The Swedish names an analyst's file may use instead of the codes (compared in lower case).
SERVICE_FORM_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "hemvård": ServiceForm.HOME_HELP,
        "hemtjänst": ServiceForm.HOME_HELP,
        "boendestöd": ServiceForm.HOUSING_SUPPORT,
        "särskilt boende": ServiceForm.SPECIAL_HOUSING,
        "bostad med särskild service": ServiceForm.LSS_SERVICE_HOUSING,
        "bostad med särskild service lss": ServiceForm.LSS_SERVICE_HOUSING,
        "bostad med särskild service enligt lss": ServiceForm.LSS_SERVICE_HOUSING,
    }
)

FORLOPP_VALUES: tuple[int, ...] = (1, 2, 3)

OUTCOME_INDEPENDENT = "independent"
OUTCOME_NONE = "none"
OUTCOME_LEVEL = "level"


class ProjectionInputError(ValueError):
    """A projection input that cannot be used; the message says what is wrong."""


def parse_service_form(text: str) -> str:
    """A service form's code from its code or Swedish name (any case)."""
    cleaned = " ".join(str(text).split()).lower()
    if cleaned in ServiceForm.values:
        return cleaned
    if cleaned in SERVICE_FORM_ALIASES:
        return str(SERVICE_FORM_ALIASES[cleaned])
    known = ", ".join(ServiceForm.values)
    raise ProjectionInputError(f"unknown service form {text!r} (known: {known})")


@dataclass(frozen=True)
class Outcome:
    """What is expected after the rehabilitation: ``independent`` (no cost after), ``none``
    (the same cost as now) or ``level`` with a needs level (the tariff of that level)."""

    kind: str
    level: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in (OUTCOME_INDEPENDENT, OUTCOME_NONE, OUTCOME_LEVEL):
            raise ProjectionInputError(f"unknown outcome {self.kind!r}")
        if (self.kind == OUTCOME_LEVEL) != (self.level is not None):
            raise ProjectionInputError("a level outcome needs a level, and only it has one")
        if self.level is not None and self.level < 0:
            raise ProjectionInputError(f"level {self.level} is below zero")

    @property
    def code(self) -> str:
        return f"{OUTCOME_LEVEL}:{self.level}" if self.kind == OUTCOME_LEVEL else self.kind


def parse_outcome(text: str) -> Outcome:
    """``independent``, ``none`` or ``level:N`` (N a whole number ≥ 0)."""
    cleaned = "".join(str(text).split()).lower()
    if cleaned in (OUTCOME_INDEPENDENT, OUTCOME_NONE):
        return Outcome(cleaned)
    prefix = f"{OUTCOME_LEVEL}:"
    if cleaned.startswith(prefix):
        number = cleaned[len(prefix) :]
        if number.isdigit():
            return Outcome(OUTCOME_LEVEL, int(number))
        raise ProjectionInputError(f"{text!r}: the level after 'level:' must be a whole number")
    raise ProjectionInputError(
        f"unknown outcome {text!r} (use independent, none or level:N, e.g. level:2)"
    )


@dataclass(frozen=True)
class ProjectionRow:
    service_form: str
    forlopp: int
    citizens: int
    monthly_cost_now_low: Decimal
    monthly_cost_now_high: Decimal
    outcome: Outcome

    def __post_init__(self) -> None:
        object.__setattr__(self, "monthly_cost_now_low", Decimal(self.monthly_cost_now_low))
        object.__setattr__(self, "monthly_cost_now_high", Decimal(self.monthly_cost_now_high))
        if self.service_form not in ServiceForm.values:
            raise ProjectionInputError(f"unknown service form {self.service_form!r}")
        if self.forlopp not in FORLOPP_VALUES:
            raise ProjectionInputError(f"förlopp must be 1, 2 or 3, got {self.forlopp}")
        if self.citizens < 0:
            raise ProjectionInputError(f"citizens must be zero or more, got {self.citizens}")
        low, high = self.monthly_cost_now_low, self.monthly_cost_now_high
        for value in (low, high):
            if not value.is_finite() or value < 0:
                raise ProjectionInputError(f"a monthly cost must be zero or more, got {value}")
        if low > high:
            raise ProjectionInputError(
                f"the low monthly cost ({decimal_text(low)}) is above the high "
                f"({decimal_text(high)})"
            )


@dataclass(frozen=True)
class TherapistAssumptions:
    """The therapist's cost per citizen (hours × hourly cost), or existing resources (none)."""

    hours_per_citizen: Decimal | None = None
    hourly_cost: Decimal | None = None
    existing_resources: bool = False

    def __post_init__(self) -> None:
        for name in ("hours_per_citizen", "hourly_cost"):
            value = getattr(self, name)
            if value is not None:
                value = Decimal(value)
                object.__setattr__(self, name, value)
                if not value.is_finite() or value < 0:
                    raise ProjectionInputError(f"{name} must be zero or more, got {value}")
        given = (self.hours_per_citizen is not None, self.hourly_cost is not None)
        if self.existing_resources and any(given):
            raise ProjectionInputError(
                "give either the therapist's hours and hourly cost or existing resources, not both"
            )
        if not self.existing_resources and not all(given):
            raise ProjectionInputError(
                "give the therapist's hours per citizen and hourly cost together, "
                "or existing resources"
            )

    @property
    def cost_per_citizen(self) -> Decimal:
        if self.existing_resources:
            return Decimal(0)
        return cast(Decimal, self.hours_per_citizen) * cast(Decimal, self.hourly_cost)

    def as_dict(self) -> dict[str, Any]:
        return {
            "existing_resources": self.existing_resources,
            "therapist_hours_per_citizen": (
                None if self.hours_per_citizen is None else decimal_text(self.hours_per_citizen)
            ),
            "therapist_hourly_cost": (
                None if self.hourly_cost is None else decimal_text(self.hourly_cost)
            ),
            "therapist_cost_per_citizen": decimal_text(self.cost_per_citizen),
        }


@dataclass(frozen=True)
class ProjectionRowResult:
    row: ProjectionRow
    monthly_cost_after: Decimal
    therapist_cost_kr: Decimal
    yearly_net_low: Decimal
    yearly_net_high: Decimal


@dataclass(frozen=True)
class ProjectionResult:
    rows: tuple[ProjectionRowResult, ...]
    citizens: int
    therapist_cost_kr: Decimal
    yearly_net_low: Decimal
    yearly_net_high: Decimal
    assumptions: dict[str, Any] = field(default_factory=dict)


def projection(
    rows: Iterable[ProjectionRow], tariff: Tariff | None, therapist: TherapistAssumptions
) -> ProjectionResult:
    """The yearly net effect per row and in total, low and high.

    Raises ``ProjectionInputError`` for a level outcome without a tariff and
    ``TariffLevelMissing`` for a level the tariff does not price.
    """
    results = []
    per_citizen = therapist.cost_per_citizen
    for row in rows:
        if row.outcome.kind == OUTCOME_INDEPENDENT:
            after_low = after_high = Decimal(0)
        elif row.outcome.kind == OUTCOME_NONE:
            after_low, after_high = row.monthly_cost_now_low, row.monthly_cost_now_high
        else:
            if tariff is None:
                raise ProjectionInputError(f"outcome {row.outcome.code} needs a tariff")
            after_low = after_high = tariff.compensation(cast(int, row.outcome.level))
        therapist_cost = row.citizens * per_citizen
        results.append(
            ProjectionRowResult(
                row=row,
                monthly_cost_after=after_low,
                therapist_cost_kr=therapist_cost,
                yearly_net_low=(
                    row.citizens * MONTHS_PER_YEAR * (row.monthly_cost_now_low - after_low)
                    - therapist_cost
                ),
                yearly_net_high=(
                    row.citizens * MONTHS_PER_YEAR * (row.monthly_cost_now_high - after_high)
                    - therapist_cost
                ),
            )
        )
    return ProjectionResult(
        rows=tuple(results),
        citizens=sum(r.row.citizens for r in results),
        therapist_cost_kr=sum((r.therapist_cost_kr for r in results), Decimal(0)),
        yearly_net_low=sum((r.yearly_net_low for r in results), Decimal(0)),
        yearly_net_high=sum((r.yearly_net_high for r in results), Decimal(0)),
        assumptions={
            "months_per_year": int(MONTHS_PER_YEAR),
            **therapist.as_dict(),
            "tariff": tariff.as_dict() if tariff is not None else None,
        },
    )


def projection_summary(result: ProjectionResult) -> dict[str, Any]:
    """The projection as plain values, whole kronor (the ``savings projection`` JSON)."""
    return {
        "rows": [
            {
                "service_form": r.row.service_form,
                "forlopp": r.row.forlopp,
                "citizens": r.row.citizens,
                "yearly_net_kr": {
                    "low": round_kr(r.yearly_net_low),
                    "high": round_kr(r.yearly_net_high),
                },
            }
            for r in result.rows
        ],
        "totals": {
            "yearly_net_kr": {
                "low": round_kr(result.yearly_net_low),
                "high": round_kr(result.yearly_net_high),
            }
        },
        "assumptions": dict(result.assumptions),
    }


MILLION = Decimal(1_000_000)
EN_DASH = "\u2013"


def format_mnkr_amount(value: Decimal) -> str:
    """Kronor as million kronor with one decimal and a decimal comma: ``8 049 000`` → ``"8,0"``."""
    rounded = round_half_away(Decimal(value) / MILLION, 1)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0,0"
    sign = "-" if rounded < 0 else ""
    whole, tenths = divmod(int(abs(rounded) * 10), 10)
    return f"{sign}{group_thousands(whole)},{tenths}"


def format_mnkr_range(low: Decimal, high: Decimal) -> str:
    """``"8,0–10,0 mnkr"`` (the municipal reports' way); one figure when both round alike."""
    low_text, high_text = format_mnkr_amount(low), format_mnkr_amount(high)
    if low_text == high_text:
        return f"{low_text}{NBSP}mnkr"
    return f"{low_text}{EN_DASH}{high_text}{NBSP}mnkr"
