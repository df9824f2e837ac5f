"""The follow-up report's figures, each computed by the database.

Every function takes a ``Scope`` (period, teams, tracks) and answers with aggregates:
``aggregate``/``annotate``/``values`` + ``Count``/``Sum``/``Avg`` with ``filter=``, never a
Python loop over case rows. The one exception is the savings engine: ``calc.hourly_model``
and ``calc.level_model`` take per-case values, which come from one grouped query each.
The number of queries does not depend on the number of cases (see the unit tests).

The cohort of a report: the applications with a decision dated in the period, of the chosen
teams and, when tracks are chosen, with a confirmed track among them. A case handed over
without a track belongs to no track, so it is in the cohort only when no track is chosen
(= all cases).

Privacy: ``small_cell`` turns every count of people below five into "<5"; figures that
describe a group of fewer than five people (a service's minutes, a team-month's minutes, a
mean) are not shown at all (``masked``). Secondary suppression (working a hidden cell out
from a total and the other cells) is not attempted.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import (
    Cast,
    Coalesce,
    ExtractDay,
    ExtractMonth,
    ExtractYear,
    TruncMonth,
)
from django.db.models.lookups import GreaterThanOrEqual, LessThan, LessThanOrEqual

from assessments.models import (
    Application,
    AppliedService,
    Goal,
    GrantedService,
    InstrumentResult,
    JointVisit,
    ServiceType,
)
from followup import calc
from followup.models import (
    CaseClosure,
    FollowUp,
    GoalAttainment,
    PositiveExample,
    SavingsParameters,
    Tariff,
    TemporaryIncrease,
    version_valid_on,
)
from tracks.models import Intervention, Track

SMALL_CELL_LIMIT = 5
SMALL_CELL_TEXT = "<5"
MASKED_TEXT = "–"
SAFETY_ALARM = "trygghetslarm"
EQ5D5L = "eq5d5l"
# Age at the decision date; the last band is open.
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("under_65", 0, 64),
    ("65_74", 65, 74),
    ("75_84", 75, 84),
    ("85_plus", 85, None),
)


# --- the small-cell rule -------------------------------------------------------------------


def small_cell(n: int | None) -> str:
    """A count of people for display: below five it is "<5", otherwise ``2 633``."""
    if n is None:
        return MASKED_TEXT
    if n < SMALL_CELL_LIMIT:
        return SMALL_CELL_TEXT
    return calc.group_thousands(int(n))


def is_small(n: int | None) -> bool:
    return n is None or n < SMALL_CELL_LIMIT


def percent(share: Decimal | None) -> str:
    """``Decimal("0.6800")`` → ``"68 %"`` (non-breaking space), halves away from zero."""
    if share is None:
        return MASKED_TEXT
    return f"{calc.round_half_away(Decimal(share) * 100)}{calc.NBSP}%"


def share_of_people(n: int | None, total: int | None) -> str:
    """A percentage of people; derived from a small cell (or a small total) it is "<5" too."""
    if is_small(n) or is_small(total):
        return SMALL_CELL_TEXT
    return percent(Decimal(n) / Decimal(total))


def masked(n_people: int | None, text: str) -> str:
    """``text`` describes a group of ``n_people``; fewer than five and it is not shown."""
    return MASKED_TEXT if is_small(n_people) else text


# --- the scope and the cohort -----------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    period_start: datetime.date
    period_end: datetime.date
    team_ids: tuple[int, ...] = ()
    tracks: tuple[int, ...] = ()
    # The citizens' home-care areas (``Citizen.home_care_area``); none chosen: all.
    home_care_areas: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "team_ids", tuple(sorted({int(t) for t in self.team_ids})))
        object.__setattr__(self, "tracks", tuple(sorted({int(t) for t in self.tracks})))
        object.__setattr__(
            self, "home_care_areas", tuple(sorted({int(a) for a in self.home_care_areas}))
        )

    def applications(self) -> QuerySet[Application]:
        """The chosen teams' applications, in the chosen tracks and home-care areas (none
        chosen: all)."""
        applications = Application.objects.all()
        if self.team_ids:
            applications = applications.filter(team_id__in=self.team_ids)
        if self.tracks:
            applications = applications.filter(track_assignment__track__in=self.tracks)
        if self.home_care_areas:
            applications = applications.filter(citizen__home_care_area__in=self.home_care_areas)
        return applications

    def cache_key(self, on: datetime.date) -> str:
        """The key of this scope's figures as computed on the day ``on``."""
        parts = [
            f"{self.period_start:%Y%m%d}-{self.period_end:%Y%m%d}",
            ",".join(map(str, self.team_ids)),
            ",".join(map(str, self.tracks)),
            ",".join(map(str, self.home_care_areas)),
            f"{on:%Y%m%d}",
        ]
        return "indicators:" + ":".join(parts)


def cohort(scope: Scope) -> QuerySet[Application]:
    """Applications decided in the period (the report's cases)."""
    return scope.applications().filter(
        decision__decided_on__gte=scope.period_start,
        decision__decided_on__lte=scope.period_end,
    )


def cohort_citizen_refs(scope: Scope) -> list:
    """The pseudonymous ids (``Citizen.public_id``) of the cohort's citizens."""
    return list(cohort(scope).order_by().values_list("citizen__public_id", flat=True).distinct())


def _age_at_decision():
    """Whole years between the birth date and the decision date, as an SQL expression."""

    def month_day(field_name):
        return ExtractMonth(field_name) * 100 + ExtractDay(field_name)

    birthday_not_reached = LessThan(
        month_day("decision__decided_on"), month_day("citizen__birth_date")
    )
    return (
        ExtractYear("decision__decided_on")
        - ExtractYear("citizen__birth_date")
        - Case(When(birthday_not_reached, then=Value(1)), default=Value(0))
    )


# --- who the cohort is -------------------------------------------------------------------


def cohort_profile(scope: Scope) -> dict[str, int]:
    """People in the cohort, by sex, age band, living alone, safety alarm, joint assessment.

    One query. Counts are of distinct citizens (a citizen with two decided cases counts once).
    The conditions are expressions inside the aggregates rather than annotations, so the
    query stays one flat SELECT.
    """
    people = "citizen"
    age = _age_at_decision()
    # Whether a case applied for a safety alarm and had a joint assessment: its figures.
    safety_alarm = Q(case_figures__safety_alarm=True)
    joint_assessment = Q(case_figures__joint_assessment=True)
    aggregates = {
        "people": Count(people, distinct=True),
        "cases": Count("pk", distinct=True),
        "women": Count(people, distinct=True, filter=Q(citizen__sex="K")),
        "men": Count(people, distinct=True, filter=Q(citizen__sex="M")),
        "other_sex": Count(people, distinct=True, filter=Q(citizen__sex="X")),
        "lives_alone": Count(people, distinct=True, filter=Q(citizen__lives_alone=True)),
        "safety_alarm": Count(people, distinct=True, filter=safety_alarm),
        "joint_assessment": Count(people, distinct=True, filter=joint_assessment),
        "after_inpatient_stay": Count(people, distinct=True, filter=Q(after_inpatient_stay=True)),
    }
    for name, low, high in AGE_BANDS:
        band = Q(GreaterThanOrEqual(age, low))
        if high is not None:
            band &= Q(LessThanOrEqual(age, high))
        aggregates[f"age_{name}"] = Count(people, distinct=True, filter=band)
    return cohort(scope).aggregate(**aggregates)


# --- the flow ------------------------------------------------------------------------------


def flow(scope: Scope) -> dict[str, int]:
    """Applications received in the period, followed through the steps (up to today).

    Received → joint visit done → track per track (or handed over) → interventions (count
    and minutes) → decided → follow-up done. Two queries.
    """
    received = scope.applications().filter(
        received_on__gte=scope.period_start, received_on__lte=scope.period_end
    )
    aggregates = {
        "received": Count("pk", distinct=True),
        "joint_visit_done": Count(
            "pk", distinct=True, filter=Q(visits__status=JointVisit.Status.DONE)
        ),
        "handed_over": Count("pk", distinct=True, filter=Q(handover__isnull=False)),
        "decided": Count("pk", distinct=True, filter=Q(decision__isnull=False)),
        "followed_up": Count(
            "pk", distinct=True, filter=Q(follow_ups__status=FollowUp.Status.DONE)
        ),
    }
    for track in Track:
        aggregates[f"track_{track.value}"] = Count(
            "pk", distinct=True, filter=Q(track_assignment__track=track.value)
        )
    figures = received.aggregate(**aggregates)
    figures.update(
        Intervention.objects.filter(application__in=received.values("pk")).aggregate(
            interventions=Count("pk"),
            intervention_cases=Count("application", distinct=True),
            intervention_minutes=Coalesce(Sum("minutes"), 0),
            therapist_interventions=Count(
                "pk", filter=Q(profession=Intervention.Profession.THERAPIST)
            ),
            physio_interventions=Count("pk", filter=Q(profession=Intervention.Profession.PHYSIO)),
        )
    )
    return figures


def flow_hidden(figures: dict[str, int]) -> dict[str, bool]:
    """Which counts of ``flow`` are hidden (``followup.suppression``): each step is a count
    out of the applications received, whose complement is protected too, and the tracks
    are one table with the applications received as its total."""
    from followup import suppression

    received_n = figures["received"]
    hidden = {"received": suppression.is_small(received_n)}
    for key in ("joint_visit_done", "handed_over", "decided", "followed_up", "intervention_cases"):
        hidden[key] = suppression.binary(figures[key], received_n)
    keys = [f"track_{track.value}" for track in Track]
    tracks = suppression.one_way([figures[key] for key in keys], total=received_n)
    hidden.update(zip(keys, tracks.cells, strict=True))
    return hidden


# --- applied and granted minutes per service type -------------------------------------------


@dataclass(frozen=True)
class ServiceRow:
    code: str
    name: str
    has_minutes: bool
    applicants: int  # people who applied for the service
    applied_minutes: int
    applied_services: int  # applied rows with minutes above zero
    granted_minutes: int
    granted_services: int  # granted rows with minutes above zero


def services_applied_vs_granted(scope: Scope) -> list[ServiceRow]:
    """Per service type: applicants, applied and granted minutes per week. Three queries."""
    cases = cohort(scope).values("pk")
    applied = {
        row["service_id"]: row
        for row in AppliedService.objects.filter(application__in=cases)
        .values("service_id")
        .annotate(
            applicants=Count("application__citizen", distinct=True),
            minutes=Coalesce(Sum("minutes_per_week"), 0),
            services=Count("pk", filter=Q(minutes_per_week__gt=0)),
        )
        .order_by()
    }
    granted = {
        row["service_id"]: row
        for row in GrantedService.objects.filter(decision__application__in=cases)
        .values("service_id")
        .annotate(
            minutes=Coalesce(Sum("minutes_per_week"), 0),
            services=Count("pk", filter=Q(minutes_per_week__gt=0)),
        )
        .order_by()
    }
    empty = {"applicants": 0, "minutes": 0, "services": 0}
    return [
        ServiceRow(
            code=service.code,
            name=service.name,
            has_minutes=service.has_minutes,
            applicants=applied.get(service.pk, empty)["applicants"],
            applied_minutes=applied.get(service.pk, empty)["minutes"],
            applied_services=applied.get(service.pk, empty)["services"],
            granted_minutes=granted.get(service.pk, empty)["minutes"],
            granted_services=granted.get(service.pk, empty)["services"],
        )
        # A handful of catalogue rows, not case rows.
        for service in ServiceType.objects.filter(pk__in={*applied, *granted})
    ]


# --- the hourly model -------------------------------------------------------------------------


def _sum_per_case(model, case_field: str, *, positive_count: bool = False):
    rows = model.objects.filter(**{case_field: OuterRef("pk")}).order_by().values(case_field)
    if positive_count:
        rows = rows.annotate(value=Count("pk", filter=Q(minutes_per_week__gt=0)))
    else:
        rows = rows.annotate(value=Sum("minutes_per_week"))
    return Coalesce(Subquery(rows.values("value")[:1]), 0)


def case_minutes(scope: Scope) -> list[calc.CaseMinutes]:
    """Applied and granted minutes per week and service counts per case (the cases'
    figures, ``followup.case_figures``, filled in first where missing): two queries."""
    ensure_case_figures(scope)
    rows = (
        cohort(scope)
        .annotate(
            applied=Coalesce(F("case_figures__applied_minutes"), 0),
            granted=Coalesce(F("case_figures__granted_minutes"), 0),
            applied_n=Coalesce(F("case_figures__applied_services"), 0),
            granted_n=Coalesce(F("case_figures__granted_services"), 0),
        )
        .order_by("pk")
        .values_list("pk", "applied", "granted", "applied_n", "granted_n", "decision__decided_on")
    )
    versions = list(SavingsParameters.objects.order_by("-valid_from"))
    return [
        calc.CaseMinutes(
            case_id=str(pk),
            applied_minutes_per_week=Decimal(applied),
            granted_minutes_per_week=Decimal(granted),
            applied_services=applied_n,
            granted_services=granted_n,
            # Each case is priced by the parameters valid on its decision date.
            assumptions=hourly_assumptions(version_valid_on(versions, decided_on)),
        )
        for pk, applied, granted, applied_n, granted_n, decided_on in rows
    ]


def hourly_figures(scope: Scope, parameters: SavingsParameters | None = None) -> calc.HourlyResult:
    """The hourly model (``calc.hourly_model``) over the cohort, summed by the database per
    decision day: one query, one row a day whatever the number of cases. Each day is
    priced by the parameters valid on it, as each of its cases would be, and the model's
    sums are sums over the cases, so the figures are those of the model fed case by case;
    only the per-case results (``cases``, for the what-if page) are left out."""
    day = "decision__decided_on"
    rows = (
        cohort(scope)
        .values(day)
        .annotate(
            cases=Count("pk"),
            applied=Coalesce(Sum("case_figures__applied_minutes"), 0),
            granted=Coalesce(Sum("case_figures__granted_minutes"), 0),
            applied_n=Coalesce(Sum("case_figures__applied_services"), 0),
            granted_n=Coalesce(Sum("case_figures__granted_services"), 0),
        )
        .order_by(day)
    )
    versions = list(SavingsParameters.objects.order_by("-valid_from"))
    days = [
        (
            row["cases"],
            calc.CaseMinutes(
                case_id=str(row[day]),
                applied_minutes_per_week=Decimal(row["applied"]),
                granted_minutes_per_week=Decimal(row["granted"]),
                applied_services=row["applied_n"],
                granted_services=row["granted_n"],
                assumptions=hourly_assumptions(version_valid_on(versions, row[day])),
            ),
        )
        for row in rows  # at most one row a day of the period
    ]
    result = calc.hourly_model([minutes for _n, minutes in days], hourly_assumptions(parameters))
    return dataclasses.replace(result, cases=(), citizens=sum(n for n, _minutes in days))


def savings_parameters(on: datetime.date) -> SavingsParameters | None:
    """The parameter version valid on ``on`` (``followup.models.version_valid_on``)."""
    return SavingsParameters.objects.valid_on(on)


def hourly_assumptions(parameters: SavingsParameters | None) -> calc.HourlyAssumptions:
    if parameters is None:
        return calc.HourlyAssumptions()
    return calc.HourlyAssumptions(
        hourly_cost=parameters.hourly_cost, weeks_per_month=parameters.weeks_per_month
    )


# --- levels and the level model -------------------------------------------------------------


def level_movements(scope: Scope) -> list[dict]:
    """People per (level before, level after) of the decision; no level before is level 0
    (``calc.NO_LEVEL``). One query."""
    return list(
        cohort(scope)
        .filter(decision__level_after__isnull=False)
        .values(
            before=Coalesce(F("decision__level_before"), calc.NO_LEVEL),
            after=F("decision__level_after"),
        )
        .annotate(people=Count("citizen", distinct=True), cases=Count("pk"))
        .order_by("before", "after")
    )


def tariff_on(on: datetime.date) -> Tariff | None:
    """The tariff valid on ``on``, with its levels (two queries)."""
    return Tariff.objects.prefetch_related("levels").valid_on(on)


@dataclass(frozen=True)
class LevelFigures:
    tariff: Tariff | None
    result: calc.LevelResult | None
    cases_with_levels: int
    cases_outside_tariff: int
    assumptions: calc.LevelAssumptions


def level_figures(
    scope: Scope, tariff: Tariff | None, parameters: SavingsParameters | None
) -> LevelFigures:
    """The level model over the cases whose levels the tariff valid on their decision date
    prices; ``tariff`` (valid at the period's end) names the model in the report.

    The therapist's hours are the occupational therapist's intervention minutes ÷ 60.
    """
    assumptions = calc.LevelAssumptions(
        therapist_hourly_cost=(
            parameters.therapist_hourly_cost if parameters else calc.THERAPIST_HOURLY_COST
        ),
        months=(1, 6, 12),
    )
    if tariff is None:
        return LevelFigures(None, None, 0, 0, assumptions)
    therapist_minutes = (
        Intervention.objects.filter(
            application=OuterRef("pk"), profession=Intervention.Profession.THERAPIST
        )
        .order_by()
        .values("application")
        .annotate(value=Sum("minutes"))
        .values("value")[:1]
    )
    # A case with no level before counts as level 0 (``calc.NO_LEVEL``).
    rows = list(
        cohort(scope)
        .filter(decision__level_after__isnull=False)
        .annotate(therapist_minutes=Coalesce(Subquery(therapist_minutes), 0))
        .order_by("pk")
        .values_list(
            "pk",
            "decision__level_before",
            "decision__level_after",
            "therapist_minutes",
            "decision__decided_on",
        )
    )
    # Each case is priced by the tariff valid on its decision date (one query for them all).
    versions = list(Tariff.objects.prefetch_related("levels").order_by("-valid_from"))
    prices_of = {
        version.pk: calc.Tariff(
            {row.level: row.monthly_compensation for row in version.levels.all()}
        )
        for version in versions
    }
    priced = []
    for pk, before, after, minutes, decided_on in rows:
        version = version_valid_on(versions, decided_on)
        prices = prices_of.get(version.pk) if version else None
        before = calc.NO_LEVEL if before is None else before
        if prices and prices.prices(before) and after in prices.levels:
            priced.append(
                calc.LevelCase(
                    case_id=str(pk),
                    level_before=before,
                    level_after=after,
                    therapist_hours=Decimal(minutes) / calc.MINUTES_PER_HOUR,
                    tariff=prices,
                )
            )
    period_prices = prices_of[tariff.pk]
    result = calc.level_model(priced, period_prices, assumptions) if priced else None
    return LevelFigures(tariff, result, len(rows), len(rows) - len(priced), assumptions)


# --- outcomes ------------------------------------------------------------------------------------


def eq5d_vas(scope: Scope) -> dict:
    """Mean EQ VAS (0–100) at the assessment and at the follow-up, with n (latest per case)."""
    return (
        cohort(scope)
        .annotate(vas_before=F("case_figures__vas_before"), vas_after=F("case_figures__vas_after"))
        .aggregate(
            before_mean=Avg("vas_before"),
            before_n=Count("pk", filter=Q(vas_before__isnull=False)),
            after_mean=Avg("vas_after"),
            after_n=Count("pk", filter=Q(vas_after__isnull=False)),
            paired_n=Count("pk", filter=Q(vas_before__isnull=False, vas_after__isnull=False)),
        )
    )


def goal_attainment(scope: Scope) -> list[dict]:
    """Goals by their latest recorded attainment (``None``: not followed up yet). One query."""
    latest = Subquery(
        GoalAttainment.objects.filter(goal=OuterRef("pk"))
        .order_by("-follow_up__months", "-follow_up__due_on", "-pk")
        .values("attainment")[:1]
    )
    return list(
        Goal.objects.filter(application__in=cohort(scope).values("pk"))
        .annotate(latest=latest)
        .values("latest")
        .annotate(goals=Count("pk"), people=Count("application__citizen", distinct=True))
        .order_by("latest")
    )


def positive_examples(scope: Scope) -> list[str]:
    """The descriptions of the cohort's cases that a person chose as positive examples."""
    return list(
        PositiveExample.objects.filter(application__in=cohort(scope).values("pk"))
        .order_by("chosen_at", "pk")
        .values_list("description", flat=True)
    )


def closures(scope: Scope) -> list[dict]:
    """Closed cases by reason (people and cases). One query."""
    return list(
        CaseClosure.objects.filter(application__in=cohort(scope).values("pk"))
        .values("reason")
        .annotate(people=Count("application__citizen", distinct=True), cases=Count("pk"))
        .order_by("reason")
    )


# --- annex: per team and month -----------------------------------------------------------------


@dataclass(frozen=True)
class TeamMonthRow:
    team: str
    month: datetime.date
    cases: int
    people: int
    applied_minutes: int
    granted_minutes: int

    @property
    def saved_minutes(self) -> int:
        return self.applied_minutes - self.granted_minutes


def by_team_and_month(scope: Scope) -> list[TeamMonthRow]:
    """Cases and minutes per team and decision month. Three grouped queries."""
    cases = cohort(scope)
    counts = (
        cases.values(team_name=F("team__name"), month=TruncMonth("decision__decided_on"))
        .annotate(cases=Count("pk", distinct=True), people=Count("citizen", distinct=True))
        .order_by("team_name", "month")
    )
    applied = {
        (row["team_name"], row["month"]): row["minutes"]
        for row in AppliedService.objects.filter(application__in=cases.values("pk"))
        .values(
            team_name=F("application__team__name"),
            month=TruncMonth("application__decision__decided_on"),
        )
        .annotate(minutes=Coalesce(Sum("minutes_per_week"), 0))
        .order_by()
    }
    granted = {
        (row["team_name"], row["month"]): row["minutes"]
        for row in GrantedService.objects.filter(decision__application__in=cases.values("pk"))
        .values(
            team_name=F("decision__application__team__name"),
            month=TruncMonth("decision__decided_on"),
        )
        .annotate(minutes=Coalesce(Sum("minutes_per_week"), 0))
        .order_by()
    }
    # One row per team and month (groups, not cases).
    return [
        TeamMonthRow(
            team=row["team_name"],
            month=row["month"],
            cases=row["cases"],
            people=row["people"],
            applied_minutes=applied.get((row["team_name"], row["month"]), 0),
            granted_minutes=granted.get((row["team_name"], row["month"]), 0),
        )
        for row in counts
    ]


# --- everything a report needs ----------------------------------------------------------------


@dataclass(frozen=True)
class Indicators:
    scope: Scope
    profile: dict[str, int]
    flow: dict[str, int]
    services: list[ServiceRow]
    parameters: SavingsParameters | None
    hourly: calc.HourlyResult
    movements: list[dict]
    levels: LevelFigures
    vas: dict
    goals: list[dict]
    closures: list[dict]
    team_months: list[TeamMonthRow] = field(default_factory=list)


def ensure_case_figures(scope: Scope) -> None:
    """Fill in the figures of the scope's cases that have none (``followup.case_figures``;
    the services keep the others current)."""
    from followup.case_figures import case_figures_fill_missing

    case_figures_fill_missing(scope.applications())


def compute(scope: Scope) -> Indicators:
    """All the report's figures; a fixed number of queries whatever the cohort's size."""
    ensure_case_figures(scope)
    parameters = savings_parameters(scope.period_end)
    return Indicators(
        scope=scope,
        profile=cohort_profile(scope),
        flow=flow(scope),
        services=services_applied_vs_granted(scope),
        parameters=parameters,
        hourly=hourly_figures(scope, parameters),
        movements=level_movements(scope),
        levels=level_figures(scope, tariff_on(scope.period_end), parameters),
        vas=eq5d_vas(scope),
        goals=goal_attainment(scope),
        closures=closures(scope),
        team_months=by_team_and_month(scope),
    )


@dataclass(frozen=True)
class OverviewFigures:
    """What the manager's overview shows: the flow, the services and the savings."""

    scope: Scope
    flow: dict[str, int]
    services: list[ServiceRow]
    hourly: calc.HourlyResult


def overview_figures(scope: Scope) -> OverviewFigures:
    """The overview's figures only (not the whole report's); a fixed number of queries."""
    ensure_case_figures(scope)
    return OverviewFigures(
        scope=scope,
        flow=flow(scope),
        services=services_applied_vs_granted(scope),
        hourly=hourly_figures(scope, savings_parameters(scope.period_end)),
    )


# --- the manager's dashboard ---------------------------------------------------------------
# Each function answers with grouped aggregates in a fixed number of queries. Which cases
# each figure counts is said in its docstring; the tables with their suppression are in
# followup/tables.py.

# A follow-up done within this many days after its due date is on time.
FOLLOW_UP_GRACE_DAYS = 14
COHORT_MONTHS = (3, 6, 12)
TRAJECTORY = "trajectory"


def has_home_care_areas() -> bool:
    """Whether citizens have a home-care area (``Citizen.home_care_area``)."""
    from assessments.models import Citizen

    return any(f.name == "home_care_area" for f in Citizen._meta.get_fields())


def _month_key(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.date()
    return value.replace(day=1)


def received(scope: Scope) -> QuerySet[Application]:
    """Applications received in the period."""
    return scope.applications().filter(
        received_on__gte=scope.period_start, received_on__lte=scope.period_end
    )


def monthly_flow(scope: Scope) -> list[dict]:
    """Per month: applications received (and their people) and joint visits done (and
    their people). Two queries."""
    from django.db.models.functions import TruncDate

    applications = {
        _month_key(row["month"]): row
        for row in received(scope)
        .annotate(month=TruncMonth("received_on"))
        .values("month")
        .annotate(cases=Count("pk"), people=Count("citizen", distinct=True))
        .order_by()
    }
    day = TruncDate("scheduled_at")
    visits = {
        _month_key(row["month"]): row
        for row in JointVisit.objects.filter(
            application__in=scope.applications().values("pk"), status=JointVisit.Status.DONE
        )
        .annotate(day=day)
        .filter(day__gte=scope.period_start, day__lte=scope.period_end)
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(visits=Count("pk"), people=Count("application__citizen", distinct=True))
        .order_by()
    }
    empty: dict = {}
    return [
        {
            "month": month,
            "received": applications.get(month, empty).get("cases", 0),
            "received_people": applications.get(month, empty).get("people", 0),
            "visits": visits.get(month, empty).get("visits", 0),
            "visit_people": visits.get(month, empty).get("people", 0),
        }
        for month in calc.months_from(scope.period_start, scope.period_end)
    ]


def percentile(values: list[int], fraction: float) -> float | None:
    """The ``fraction`` percentile with linear interpolation (PostgreSQL's
    ``percentile_cont``); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def waiting_days(scope: Scope) -> dict[str, dict]:
    """Days from receipt to the first joint visit done and to the decision, for the
    applications received in the period that have got that far: n, median and the 90th
    percentile. One query (the day differences only, as whole numbers)."""
    first_visit = F("case_figures__first_visit_at")
    from django.utils import timezone

    to_visit, to_decision = [], []
    for received_on, visited_at, decided_on in (
        received(scope)
        .annotate(first_visit=first_visit)
        .values_list("received_on", "first_visit", "decision__decided_on")
    ):
        if visited_at is not None:
            to_visit.append((timezone.localtime(visited_at).date() - received_on).days)
        if decided_on is not None:
            to_decision.append((decided_on - received_on).days)

    def summary(days: list[int]) -> dict:
        return {"n": len(days), "median": percentile(days, 0.5), "p90": percentile(days, 0.9)}

    return {"to_visit": summary(to_visit), "to_decision": summary(to_decision)}


def needs_levels(scope: Scope) -> dict:
    """Needs levels of the cases decided in the period: the mean level at the decision and
    at the follow-ups done, and the grid of (level at the decision, level at a follow-up)
    with follow-ups and people per cell. Three queries."""
    cases = cohort(scope)
    at_decision = cases.filter(decision__level_after__isnull=False).aggregate(
        mean=Avg("decision__level_after"), n=Count("pk"), people=Count("citizen", distinct=True)
    )
    follow_ups = FollowUp.objects.filter(
        application__in=cases.values("pk"),
        status=FollowUp.Status.DONE,
        level_now__isnull=False,
    )
    at_follow_up = follow_ups.aggregate(
        mean=Avg("level_now"), n=Count("pk"), people=Count("application__citizen", distinct=True)
    )
    grid = list(
        follow_ups.filter(application__decision__level_after__isnull=False)
        .values(before=F("application__decision__level_after"), after=F("level_now"))
        .annotate(follow_ups=Count("pk"), people=Count("application__citizen", distinct=True))
        .order_by("before", "after")
    )
    return {"at_decision": at_decision, "at_follow_up": at_follow_up, "grid": grid}


NEEDED = ("less", "same", "more")


def needed_less(scope: Scope) -> dict[str, dict[str, int]]:
    """Cases decided in the period with applied minutes, by whether the minutes granted in
    all were fewer than, as many as or more than those applied for: cases and people of
    each. One query (the two sums are the cases' figures, so that several services of a case do not
    multiply each other)."""
    conditions = {
        "less": Q(granted_total__lt=F("applied_total")),
        "same": Q(granted_total=F("applied_total")),
        "more": Q(granted_total__gt=F("applied_total")),
    }
    aggregates = {}
    for key, condition in conditions.items():
        aggregates[f"{key}_cases"] = Count("pk", filter=condition)
        aggregates[f"{key}_people"] = Count("citizen", filter=condition, distinct=True)
    totals = (
        cohort(scope)
        .annotate(
            applied_total=Coalesce(F("case_figures__applied_minutes"), 0),
            granted_total=Coalesce(F("case_figures__granted_minutes"), 0),
        )
        .filter(applied_total__gt=0)
        .aggregate(**aggregates, people=Count("citizen", distinct=True))
    )
    result = {
        key: {"cases": totals[f"{key}_cases"], "people": totals[f"{key}_people"]} for key in NEEDED
    }
    result["total"] = {
        "cases": sum(result[key]["cases"] for key in NEEDED),
        "people": totals["people"],
    }
    return result


def closures_in_period(scope: Scope) -> list[dict]:
    """Cases closed in the period, by reason (cases and people). One query."""
    return list(
        CaseClosure.objects.filter(
            application__in=scope.applications().values("pk"),
            closed_on__gte=scope.period_start,
            closed_on__lte=scope.period_end,
        )
        .values("reason")
        .annotate(cases=Count("pk"), people=Count("application__citizen", distinct=True))
        .order_by("reason")
    )


def follow_up_timeliness(scope: Scope, today: datetime.date) -> dict[str, dict]:
    """Follow-ups due in the period (up to ``today``): done on time (by the due date plus
    ``FOLLOW_UP_GRACE_DAYS``), done late, and overdue (not done, past the grace days).
    Follow-ups and people of each. One query."""
    from django.db.models import DateField, ExpressionWrapper

    grace = datetime.timedelta(days=FOLLOW_UP_GRACE_DAYS)
    deadline = ExpressionWrapper(F("due_on") + grace, output_field=DateField())
    done = Q(status=FollowUp.Status.DONE)
    on_time = done & Q(LessThanOrEqual(F("done_on"), deadline))
    late = done & ~Q(LessThanOrEqual(F("done_on"), deadline))
    overdue = ~done & Q(due_on__lt=today - grace)
    people = "application__citizen"
    row = FollowUp.objects.filter(
        application__in=scope.applications().values("pk"),
        due_on__gte=scope.period_start,
        due_on__lte=min(scope.period_end, today),
    ).aggregate(
        on_time=Count("pk", filter=on_time),
        on_time_people=Count(people, distinct=True, filter=on_time),
        late=Count("pk", filter=late),
        late_people=Count(people, distinct=True, filter=late),
        overdue=Count("pk", filter=overdue),
        overdue_people=Count(people, distinct=True, filter=overdue),
    )
    return {
        key: {"follow_ups": row[key], "people": row[f"{key}_people"]}
        for key in ("on_time", "late", "overdue")
    }


def _latest_attainment():
    return Subquery(
        GoalAttainment.objects.filter(goal=OuterRef("pk"))
        .order_by("-follow_up__months", "-follow_up__due_on", "-pk")
        .values("attainment")[:1]
    )


def goal_attainment_by(scope: Scope, group: str) -> list[dict]:
    """Goals of the cases decided in the period by their latest attainment (None: not
    followed up yet) per life area, case officer or home-care area: goals and people per
    cell. One query."""
    goals = Goal.objects.filter(application__in=cohort(scope).values("pk")).annotate(
        latest=_latest_attainment()
    )
    if group == "case_officer":
        rows = goals.values(
            "latest",
            first=F("application__case_officer__first_name"),
            last=F("application__case_officer__last_name"),
            key=F("application__case_officer__pk"),
        )
    elif group == "life_area":
        rows = goals.values("latest", name=F("life_area__name"), key=F("life_area__sort_order"))
    else:
        rows = goals.values(
            "latest",
            name=F("application__citizen__home_care_area__name"),
            key=F("application__citizen__home_care_area__pk"),
        )
    result = []
    for row in rows.annotate(
        goals=Count("pk"), people=Count("application__citizen", distinct=True)
    ).order_by():
        name = row.get("name")
        if group == "case_officer":
            name = f"{row['first']} {row['last']}"
        result.append(
            {
                "group": name,
                "key": row["key"],
                "latest": row["latest"],
                "goals": row["goals"],
                "people": row["people"],
            }
        )
    return sorted(result, key=lambda r: (r["key"] is None, r["key"] or 0, r["group"] or ""))


def _latest_result(instrument: str, occasion: str, key: str | None = None):
    results = InstrumentResult.objects.filter(
        application=OuterRef("pk"), instrument=instrument, occasion=occasion
    ).order_by("-recorded_at", "-pk")
    if key is None:
        return Subquery(results.values("score")[:1])
    return Subquery(
        results.annotate(value=Cast(KT(f"answers__{key}"), FloatField())).values("value")[:1]
    )


def trajectories(scope: Scope) -> list[dict]:
    """The cases decided in the period by förlopp (1–3, the latest at the assessment; None:
    not recorded): people, and per förlopp the mean EQ-5D level sum (5–25) and EQ VAS
    (0–100) at the visit and at the follow-up with their n. One query."""
    cases = cohort(scope).annotate(
        trajectory=F("case_figures__trajectory"),
        sum_before=F("case_figures__eq5d_sum_before"),
        sum_after=F("case_figures__eq5d_sum_after"),
        vas_before=F("case_figures__vas_before"),
        vas_after=F("case_figures__vas_after"),
    )
    aggregates: dict = {"people": Count("citizen", distinct=True)}
    for name in ("sum_before", "sum_after", "vas_before", "vas_after"):
        aggregates[f"{name}_mean"] = Avg(name)
        aggregates[f"{name}_n"] = Count(
            "citizen", distinct=True, filter=Q(**{f"{name}__isnull": False})
        )
    return list(cases.values("trajectory").annotate(**aggregates).order_by("trajectory"))


def track3_cohort(scope: Scope) -> dict:
    """Track 3 (intensive home rehabilitation), the cases decided in the period: granted
    minutes per week at the decision and the minutes recorded at the follow-ups 3, 6 and 12
    months on, with the people of each time point. Four queries."""
    cases = cohort(scope).filter(track_assignment__track=Track.INTENSIVE_REHAB)
    decided = GrantedService.objects.filter(decision__application__in=cases.values("pk")).aggregate(
        minutes=Coalesce(Sum("minutes_per_week"), 0),
    )
    people = cases.aggregate(people=Count("citizen", distinct=True))["people"]
    from followup.models import FollowUpService

    done = FollowUp.objects.filter(
        application__in=cases.values("pk"), status=FollowUp.Status.DONE, months__in=COHORT_MONTHS
    )
    people_at = dict(
        done.values("months")
        .annotate(people=Count("application__citizen", distinct=True))
        .order_by()
        .values_list("months", "people")
    )
    minutes_at = dict(
        FollowUpService.objects.filter(follow_up__in=done.values("pk"))
        .values("follow_up__months")
        .annotate(minutes=Coalesce(Sum("minutes_per_week"), 0))
        .order_by()
        .values_list("follow_up__months", "minutes")
    )
    points = [{"months": 0, "people": people, "minutes": decided["minutes"]}]
    for months in COHORT_MONTHS:
        points.append(
            {
                "months": months,
                "people": people_at.get(months, 0),
                "minutes": minutes_at.get(months, 0),
            }
        )
    return {"points": points}


def temporary_increases(scope: Scope) -> list[dict]:
    """Per service, the temporary increases in effect on at least one day of the period,
    of the scope's cases whenever they were decided: the people, the increases and the
    mean extra minutes per week of an increase. One query."""
    return list(
        TemporaryIncrease.objects.filter(
            application__in=scope.applications().values("pk"),
            starts_on__lte=scope.period_end,
            ends_on__gte=scope.period_start,
        )
        .values("service_id", name=F("service__name"))
        .annotate(
            people=Count("application__citizen", distinct=True),
            increases=Count("pk"),
            extra_mean=Avg("extra_minutes_per_week"),
        )
        .order_by("service__sort_order", "service__name")
    )


@dataclass(frozen=True)
class Dashboard:
    """Every figure of the dashboard, computed on ``computed_on``."""

    scope: Scope
    computed_on: datetime.date
    monthly: list[dict]
    waiting: dict[str, dict]
    services: list[ServiceRow]
    parameters: SavingsParameters | None
    levels: dict
    closures: list[dict]
    timeliness: dict[str, dict]
    goals: dict[str, list[dict]]
    trajectories: list[dict]
    track3: dict
    performed: list
    temporary_increases: list[dict] = field(default_factory=list)
    needed: dict[str, dict[str, int]] = field(default_factory=dict)


def granted_vs_performed(scope: Scope) -> list:
    """Granted and performed minutes per service and month (``followup.performed``)."""
    from followup import performed

    return performed.granted_vs_performed(scope)


def dashboard(scope: Scope, *, today: datetime.date) -> Dashboard:
    """All the dashboard's figures; a fixed number of queries whatever the number of cases."""
    groups = ["life_area", "case_officer"] + (["home_care_area"] if has_home_care_areas() else [])
    ensure_case_figures(scope)
    return Dashboard(
        scope=scope,
        computed_on=today,
        monthly=monthly_flow(scope),
        waiting=waiting_days(scope),
        services=services_applied_vs_granted(scope),
        needed=needed_less(scope),
        parameters=savings_parameters(scope.period_end),
        levels=needs_levels(scope),
        closures=closures_in_period(scope),
        timeliness=follow_up_timeliness(scope, today),
        goals={group: goal_attainment_by(scope, group) for group in groups},
        trajectories=trajectories(scope),
        track3=track3_cohort(scope),
        performed=granted_vs_performed(scope),
        temporary_increases=temporary_increases(scope),
    )
