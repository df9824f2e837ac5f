"""The small-cell rule with complementary suppression, for every table shown to managers.

Primary suppression: a cell that counts fewer than five people (zero included) is shown as
"<5". In a two-way table a row or column with a hidden cell hides its total as well, since
the margins together are equations a reader could solve. Complementary suppression: a table
with totals is a set of relations, total = the sum of its parts (a row, a column, the row
totals with the grand total, …). When a relation has exactly one hidden member, that member
could be worked out from the others, so the smallest visible part of the relation is hidden
too (shown as "–"); this repeats until no relation changes. A hidden share is "–" too.

A one-way table whose parts do not add up to its total (the people living alone out of all
the people) has an unseen remainder. A remainder of one to four people is itself a small
cell: it cannot be shown, and it counts as hidden, so "Bor ensam 10" of 14 people is hidden.

The people counts drive the suppression (``people=``), also when the cells show something
else (goals, follow-ups). A figure derived from hidden counts (a share) is hidden too.
The module is pure: numbers in, flags and display strings out.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from followup.calc import NBSP, group_thousands

LIMIT = 5
HIDDEN_TEXT = "<5"
# A cell of five or more hidden so that a small cell cannot be worked out.
COMPLEMENT_TEXT = "–"
# The unseen remainder of a one-way table (a key no caller uses).
_REMAINDER = ("remainder",)


def is_small(n: int | None) -> bool:
    """Primary suppression: fewer than five people (or no count at all)."""
    return n is None or n < LIMIT


def protect(
    values: dict[Hashable, int],
    relations: Sequence[tuple[Hashable, Sequence[Hashable]]],
    *,
    primary: set[Hashable],
    unshown: frozenset[Hashable] = frozenset(),
) -> set[Hashable]:
    """The keys to hide: ``primary`` and as many more as the relations need.

    ``relations`` are (total, parts); ``unshown`` keys are never displayed (a remainder):
    unknown to a reader, so they protect the others, and never chosen to be hidden. The
    smallest visible part is chosen (ties: the first in the relation); when no part is left
    the total is hidden.
    """
    hidden = set(primary)
    changed = True
    while changed:
        changed = False
        for total, parts in relations:
            # An unshown member is unknown too, but only a hidden one needs protecting.
            unknown = [key for key in (total, *parts) if key in hidden or key in unshown]
            if len(unknown) != 1 or unknown[0] not in hidden:
                continue
            candidates = [key for key in parts if key not in hidden and key not in unshown]
            if not candidates and total not in hidden and total not in unshown:
                candidates = [total]
            if not candidates:
                continue
            chosen = min(candidates, key=lambda key: values[key])
            hidden.add(chosen)
            changed = True
    return hidden


@dataclass(frozen=True)
class OneWay:
    """Which cells of a one-way table are hidden, and whether its total is."""

    cells: list[bool]
    total: bool


def one_way(
    counts: Sequence[int],
    *,
    total: int | None = None,
    people: Sequence[int] | None = None,
) -> OneWay:
    """A one-way table with a total: the parts ``counts`` and the ``total`` they are of
    (their sum when not given). ``people``, one per part, drives primary suppression when
    the cells count something else."""
    drivers = list(people) if people is not None else list(counts)
    whole = sum(counts) if total is None else total
    values: dict[Hashable, int] = {index: int(n) for index, n in enumerate(counts)}
    values["total"] = int(whole)
    primary: set[Hashable] = {index for index, n in enumerate(drivers) if is_small(n)}
    if is_small(whole):
        primary.add("total")
    parts: list[Hashable] = list(range(len(counts)))
    remainder = whole - sum(counts)
    if remainder > 0:
        values[_REMAINDER] = remainder
        parts.append(_REMAINDER)
        if is_small(remainder):
            primary.add(_REMAINDER)
    hidden = protect(values, [("total", parts)], primary=primary, unshown=frozenset({_REMAINDER}))
    return OneWay(cells=[index in hidden for index in range(len(counts))], total="total" in hidden)


def binary(n: int, total: int) -> bool:
    """One count out of a total (living alone of everybody): hidden when it or the rest
    is small."""
    return one_way([n], total=total).cells[0]


@dataclass(frozen=True)
class TwoWay:
    """Which cells of a two-way table are hidden, and which of its margins."""

    cells: list[list[bool]]
    row_totals: list[bool]
    column_totals: list[bool]
    grand_total: bool


def two_way(
    counts: Sequence[Sequence[int]], *, people: Sequence[Sequence[int]] | None = None
) -> TwoWay:
    """A two-way table with row totals, column totals and a grand total (all sums of the
    cells): every row, every column and both margins are relations."""
    rows = len(counts)
    columns = len(counts[0]) if rows else 0
    drivers = people if people is not None else counts
    values: dict[Hashable, int] = {}
    primary: set[Hashable] = set()
    for r in range(rows):
        for c in range(columns):
            values[(r, c)] = int(counts[r][c])
            if is_small(drivers[r][c]):
                primary.add((r, c))
    for r in range(rows):
        values[("row", r)] = sum(values[(r, c)] for c in range(columns))
    for c in range(columns):
        values[("column", c)] = sum(values[(r, c)] for r in range(rows))
    values["total"] = sum(values[("row", r)] for r in range(rows))
    people_rows = [sum(int(n) for n in row) for row in drivers]
    people_columns = [sum(int(drivers[r][c]) for r in range(rows)) for c in range(columns)]
    primary |= {("row", r) for r in range(rows) if is_small(people_rows[r])}
    primary |= {("column", c) for c in range(columns) if is_small(people_columns[c])}
    if is_small(sum(people_rows)):
        primary.add("total")
    # The margins of a two-way table are equations a reader can solve together: with the
    # totals of two rows and two columns shown, the hidden cells where they cross are pinned
    # down even when every line has two of them. So a line with a hidden cell hides its total
    # as well; the relations below then hide another total where one alone could be worked
    # out from the grand total.
    cells_hidden = set(primary)
    primary |= {
        ("row", r) for r in range(rows) if any((r, c) in cells_hidden for c in range(columns))
    }
    primary |= {
        ("column", c) for c in range(columns) if any((r, c) in cells_hidden for r in range(rows))
    }
    relations: list[tuple[Hashable, Sequence[Hashable]]] = [
        (("row", r), [(r, c) for c in range(columns)]) for r in range(rows)
    ]
    relations += [(("column", c), [(r, c) for r in range(rows)]) for c in range(columns)]
    relations.append(("total", [("row", r) for r in range(rows)]))
    relations.append(("total", [("column", c) for c in range(columns)]))
    hidden = protect(values, relations, primary=primary)
    return TwoWay(
        cells=[[(r, c) in hidden for c in range(columns)] for r in range(rows)],
        row_totals=[("row", r) in hidden for r in range(rows)],
        column_totals=[("column", c) in hidden for c in range(columns)],
        grand_total="total" in hidden,
    )


def text(n: int | None, hidden: bool, *, people: int | None = None) -> str:
    """A count for display: ``2 633``; hidden, "<5" for a small count (of ``people`` when
    given) and "–" for one hidden only so that a small one cannot be worked out (saying
    "<5" of it would be untrue)."""
    if is_small(n if people is None else people):
        return HIDDEN_TEXT
    if hidden:
        return COMPLEMENT_TEXT
    return group_thousands(int(n or 0))


def share_text(n: int | None, total: int | None, hidden: bool, *, people: int | None = None) -> str:
    """``n`` as a percentage of ``total``; hidden with its count (or a small total). A hidden
    share is "–" whatever hides it: "<5" in a share column would read as under 5 %."""
    if is_small(total) or hidden or is_small(n if people is None else people):
        return COMPLEMENT_TEXT
    share = Decimal(n or 0) * 100 / Decimal(total or 1)
    share = share.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{share}{NBSP}%"
