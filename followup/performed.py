"""Granted against performed minutes, per service and month.

Granted minutes are per week in the decision; a month's granted minutes are the minutes
per week × the weeks the grant was in effect that month, a week being 7 days: a whole
month of 31 days is 31/7 ≈ 4.43 weeks, of 30 days 4.29, February 4.0 (4.14 in a leap
year), so a year is 365/7 ≈ 52.1 weeks. A grant is in effect from its decision's
``valid_from`` (else the decision date) to its ``valid_until`` or the day its case was
closed, whichever comes first (open-ended if neither); a month in which it starts or ends
counts the days it was in effect. Refused services and services without minutes are not
grants. A citizen with two open cases granting the same service counts both.

Performed minutes are the provider's, imported per citizen, service and month
(``followup.performed_import``). They are compared for the people who had the service
granted that month; what a provider reports for somebody without such a grant in the
scope is given apart (``performed_without_grant``), not hidden and not counted in the gap.

The scope is ``followup.indicators.Scope``: its cases (teams, tracks and any other filter
``Scope.applications`` applies) and every calendar month the period touches, whole.
Everything is summed by the database: two grouped queries and one of the catalogue,
whatever the number of cases. The figures are raw; the caller applies the small-cell rule
(``people`` is the number of people each row describes).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractDay, TruncMonth

from assessments.models import GrantedService, ServiceType
from followup import calc
from followup.indicators import Scope
from followup.models import PerformedMinutes

DAYS_PER_WEEK = 7


@dataclass(frozen=True)
class PerformedRow:
    code: str
    name: str
    month: datetime.date  # the first day of the month
    people: int  # people granted the service that month
    granted_minutes: int  # in the month, rounded to whole minutes
    performed_minutes: int  # for those people
    performed_without_grant: int = 0  # for people in scope without the grant that month
    # Whether the providers reported the service for the scope's people that month at all
    # (a month not yet reported has no performed minutes to compare with).
    reported: bool = False

    @property
    def gap(self) -> int:
        """Granted minus performed: above zero the provider performed less than granted."""
        return self.granted_minutes - self.performed_minutes


def grants(scope: Scope) -> QuerySet[GrantedService]:
    """The scope's granted services with minutes, each with the first (``starts``) and last
    (``ends``, None: open) day it is in effect."""
    closed_on = F("decision__application__closure__closed_on")
    valid_until = F("decision__valid_until")
    return (
        GrantedService.objects.filter(
            decision__application__in=scope.applications().values("pk"),
            service__has_minutes=True,
            minutes_per_week__gt=0,
        )
        .exclude(outcome=GrantedService.Outcome.REFUSED)
        .annotate(
            starts=Coalesce("decision__valid_from", "decision__decided_on"),
            # The earlier of the two ends; SQLite's MIN() would give NULL for either NULL.
            ends=Case(
                When(decision__application__closure__isnull=True, then=valid_until),
                When(decision__valid_until__isnull=True, then=closed_on),
                When(decision__valid_until__lt=closed_on, then=valid_until),
                default=closed_on,
                output_field=DateField(),
            ),
        )
    )


def _in_effect(month: datetime.date) -> Q:
    return Q(starts__lte=calc.month_end(month)) & (Q(ends__isnull=True) | Q(ends__gte=month))


def _days_in_effect(month: datetime.date):
    """The days of ``month`` the grant is in effect, as an SQL expression."""
    last = calc.month_end(month)
    first_day = Case(
        When(starts__lt=month, then=Value(1)),
        default=ExtractDay("starts"),
        output_field=IntegerField(),
    )
    last_day = Case(
        When(Q(ends__isnull=True) | Q(ends__gt=last), then=Value(last.day)),
        default=ExtractDay("ends"),
        output_field=IntegerField(),
    )
    return Case(
        When(_in_effect(month), then=last_day - first_day + 1),
        default=Value(0),
        output_field=IntegerField(),
    )


def granted_vs_performed(scope: Scope) -> list[PerformedRow]:
    """Per service and month of the scope: people granted the service, granted and
    performed minutes and the gap (see the module's text). Three queries."""
    months = calc.months_from(scope.period_start, scope.period_end)
    if not months:
        return []
    in_scope = grants(scope)
    aggregates = {}
    for index, month in enumerate(months):
        aggregates[f"minute_days_{index}"] = Coalesce(
            Sum(F("minutes_per_week") * _days_in_effect(month)), 0
        )
        aggregates[f"people_{index}"] = Count(
            "decision__application__citizen", distinct=True, filter=_in_effect(month)
        )
    granted = {
        row["service_id"]: row
        for row in in_scope.values("service_id").annotate(**aggregates).order_by()
    }
    has_grant = Exists(
        in_scope.annotate(starts_month=TruncMonth("starts")).filter(
            Q(ends__isnull=True) | Q(ends__gte=OuterRef("month")),
            service=OuterRef("service"),
            decision__application__citizen=OuterRef("citizen"),
            starts_month__lte=OuterRef("month"),
        )
    )
    citizen_in_scope = Exists(scope.applications().filter(citizen=OuterRef("citizen")))
    # Grouped by whether the grant exists too, so that the database asks it once a row
    # (an aggregate's filter would ask it once for each sum).
    performed: dict = {}
    for row in (
        PerformedMinutes.objects.filter(
            citizen_in_scope, month__gte=months[0], month__lte=months[-1]
        )
        .annotate(granted=has_grant)
        .values("service_id", "month", "granted")
        .annotate(minutes=Coalesce(Sum("minutes"), 0))
        .order_by()
    ):
        done = performed.setdefault(
            (row["service_id"], row["month"]), {"matched": 0, "unmatched": 0}
        )
        done["matched" if row["granted"] else "unmatched"] += row["minutes"]
    rows = []
    # A handful of catalogue rows × the period's months: groups, not cases.
    for service in ServiceType.objects.filter(
        pk__in={*granted, *(service_id for service_id, _month in performed)}
    ).order_by("sort_order", "name"):
        for index, month in enumerate(months):
            given = granted.get(service.pk, {})
            done = performed.get((service.pk, month), {})
            people = given.get(f"people_{index}", 0)
            if not people and not done:
                continue
            minute_days = Decimal(given.get(f"minute_days_{index}", 0))
            rows.append(
                PerformedRow(
                    code=service.code,
                    name=service.name,
                    month=month,
                    people=people,
                    granted_minutes=int(calc.round_half_away(minute_days / DAYS_PER_WEEK)),
                    performed_minutes=done.get("matched", 0),
                    performed_without_grant=done.get("unmatched", 0),
                    reported=bool(done),
                )
            )
    return rows
