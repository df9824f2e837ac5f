"""The periods a follow-up report may cover: whole calendar half-years that have ended.

Reports that overlap can be subtracted from each other (differencing): a report for
January–June less one for February–June gives the figures of January alone, which may be
one person. The periods a report may cover therefore never overlap: every report covers a
calendar half-year (January–June or July–December), two half-years are either the same or
disjoint, and a half-year that has not ended cannot be reported (a report made in April and
one made in July for the same half-year would differ by the decisions in between). See
docs/adr/0012-reports-cover-whole-half-years.md.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

MONTHS = 6
# How many ended half-years the order form offers (three years).
OFFERED = 6


@dataclass(frozen=True)
class Period:
    year: int
    half: int  # 1: January–June, 2: July–December

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self) -> datetime.date:
        return (
            datetime.date(self.year, 6, 30) if self.half == 1 else datetime.date(self.year, 12, 31)
        )

    @property
    def key(self) -> str:
        return f"{self.year}H{self.half}"

    @property
    def label(self) -> str:
        if self.half == 1:
            return _("January–June %(year)s") % {"year": self.year}
        return _("July–December %(year)s") % {"year": self.year}

    def previous(self) -> Period:
        return Period(self.year, 1) if self.half == 2 else Period(self.year - 1, 2)


def containing(day: datetime.date) -> Period:
    return Period(day.year, 1 if day.month <= MONTHS else 2)


def period_of(start: datetime.date, end: datetime.date) -> Period | None:
    """The half-year that runs exactly from ``start`` to ``end``, or None."""
    period = containing(start)
    return period if (period.start, period.end) == (start, end) else None


def from_key(key: str) -> Period | None:
    year, separator, half = (key or "").partition("H")
    if not (separator and year.isdigit() and half in ("1", "2")):
        return None
    return Period(int(year), int(half))


def has_ended(period: Period, today: datetime.date) -> bool:
    return period.end < today


def ended_periods(today: datetime.date, count: int = OFFERED) -> list[Period]:
    """The last ``count`` half-years that have ended by ``today``, newest first."""
    period = containing(today).previous()
    periods = []
    for _index in range(count):
        periods.append(period)
        period = period.previous()
    return periods
