"""This app's answer to ``rehab.extensions.citizen_directory``: the access-log review's
lookups of citizens, which rehab may not make itself (it does not know the Citizen model)."""

from collections.abc import Iterable
from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet

from rehab.extensions import CitizenFacts

from .identity import parse_identity_number
from .models import Citizen

FACT_FIELDS = ("public_id", "protected_identity", "team_id")


def _facts(citizen: Citizen) -> CitizenFacts:
    return CitizenFacts(
        public_id=citizen.public_id,
        protected_identity=citizen.protected_identity,
        team_id=citizen.team_id,
    )


class CitizenDirectory:
    """Implements ``rehab.extensions.CitizenDirectory`` on the Citizen model."""

    def find_by_identity_number(self, text: str) -> CitizenFacts | None:
        identity = parse_identity_number(text)
        citizen = (
            Citizen.objects.filter(personal_number=identity.normalised).only(*FACT_FIELDS).first()
        )
        return None if citizen is None else _facts(citizen)

    def facts(self, public_ids: Iterable[UUID] | QuerySet) -> dict[UUID, CitizenFacts]:
        rows = Citizen.objects.filter(public_id__in=public_ids).only(*FACT_FIELDS)
        return {citizen.public_id: _facts(citizen) for citizen in rows}

    def flagged_condition(self) -> Q:
        citizen = Citizen.objects.filter(public_id=OuterRef("citizen_ref"))
        return Exists(
            citizen.filter(Q(protected_identity=True) | ~Q(team_id=OuterRef("user__team_id")))
        ) | (Q(user__team__isnull=True) & Exists(citizen))


directory = CitizenDirectory()
