"""Extension points: how a later app adds to an earlier one without the earlier importing it.

Dependencies point one way, ``followup → tracks → assessments → rehab`` (checked by
import-linter in ``bin/test``). When an earlier app needs something only a later app knows
(the case page's links to the track and follow-up pages, what must happen after a decision,
the access-log review's lookup of a citizen), the earlier app *declares* a typed extension
point and the later app *registers* into it from its ``AppConfig.ready``::

    # assessments/extension_points.py (the consumer declares what it accepts)
    after_decision: ExtensionPoint[Callable[..., None]] = ExtensionPoint("after_decision")

    # followup/apps.py (the provider registers, once, at start-up)
    after_decision.register(schedule_follow_ups)

Registration is idempotent (registering the same item twice keeps one), items keep their
registration order, and a point can be read as often as needed. See docs/adr/ for why this is
preferred to signals (typed, ordered, visible in one file per consumer) and to a settings list.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar
from uuid import UUID

from django.db.models import QuerySet

T = TypeVar("T")


class ExtensionPoint(Generic[T]):
    """An ordered, typed list of contributions that later apps register into."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._items: list[T] = []

    def register(self, item: T) -> T:
        """Add ``item`` (once); returns it, so the call can decorate a function."""
        if item not in self._items:
            self._items.append(item)
        return item

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def one(self) -> T:
        """The single registered item of a point that takes exactly one provider."""
        if len(self._items) != 1:
            raise LookupError(
                f"Extension point {self.name!r} needs exactly one provider, has {len(self._items)}."
            )
        return self._items[0]

    def __repr__(self) -> str:
        return f"<ExtensionPoint {self.name}: {len(self._items)} item(s)>"


# --- Points that rehab itself consumes -----------------------------------------------------


@dataclass(frozen=True)
class CitizenFacts:
    """What the access-log review knows of a citizen: the pseudonymous reference the log
    keeps, whether the identity is protected, the citizen's team and, when asked for a
    viewer, the name as that viewer may see it ("Skyddad identitet" without a grant)."""

    public_id: UUID
    protected_identity: bool
    team_id: int | None
    name: str = ""


class CitizenDirectory(Protocol):
    """Looks citizens up for the access-log review (provided by ``assessments``)."""

    def find_by_identity_number(self, text: str, viewer=None) -> CitizenFacts | None:
        """The citizen with this personnummer or samordningsnummer, in any accepted
        spelling; ``None`` when nobody has it. Raises ``ValidationError`` (with the reason)
        when the text is no valid number. With ``viewer`` (a user), the facts carry the
        name as that user may see it."""
        ...

    def facts(self, public_ids: Iterable[UUID] | QuerySet, viewer=None) -> dict[UUID, CitizenFacts]:
        """The facts of those of ``public_ids`` that are citizens, by public id, in one
        query (``public_ids`` may be a queryset of values, used as a subquery); with
        ``viewer``, with the name as that user may see it."""
        ...


citizen_directory: ExtensionPoint[CitizenDirectory] = ExtensionPoint("citizen_directory")
