"""This app's answer to ``rehab.extensions.citizen_directory``: the access-log review's
lookups of citizens, which rehab may not make itself (it does not know the Citizen model)."""

from collections.abc import Iterable
from uuid import UUID

from django.db.models import QuerySet

from rehab.extensions import CitizenFacts

from .display import citizen_display_name
from .identity import parse_identity_number
from .models import Citizen
from .selectors import name_granted

FACT_FIELDS = ("public_id", "protected_identity", "team_id")
NAME_FIELDS = ("first_name", "last_name")


def _facts(citizen: Citizen, named: bool = False) -> CitizenFacts:
    return CitizenFacts(
        public_id=citizen.public_id,
        protected_identity=citizen.protected_identity,
        team_id=citizen.team_id,
        name=citizen_display_name(citizen, citizen.name_granted) if named else "",
    )


def _citizens(viewer) -> QuerySet[Citizen]:
    """Only the facts, or with a viewer also the name and whether it is granted to them."""
    if viewer is None:
        return Citizen.objects.only(*FACT_FIELDS)
    return Citizen.objects.only(*FACT_FIELDS, *NAME_FIELDS).annotate(
        name_granted=name_granted(viewer)
    )


class CitizenDirectory:
    """Implements ``rehab.extensions.CitizenDirectory`` on the Citizen model."""

    def find_by_identity_number(self, text: str, viewer=None) -> CitizenFacts | None:
        identity = parse_identity_number(text)
        citizen = _citizens(viewer).filter(personal_number=identity.normalised).first()
        return None if citizen is None else _facts(citizen, viewer is not None)

    def facts(self, public_ids: Iterable[UUID] | QuerySet, viewer=None) -> dict[UUID, CitizenFacts]:
        rows = _citizens(viewer).filter(public_id__in=public_ids)
        return {citizen.public_id: _facts(citizen, viewer is not None) for citizen in rows}


directory = CitizenDirectory()
