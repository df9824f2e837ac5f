"""Saving the checked rows: each built and validated by the same services as the user
interface, then all of them written together (``services.cases_import``).

Each row carries an import key derived from the citizen, the date received and the kind of
case, so importing the same file twice creates nothing new. A number that is already
registered is checked against the importer's team and the name the row gives.
"""

import datetime
import hashlib
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from rehab.models import User

from .. import services
from ..models import Application, Citizen
from .columns import fold
from .report import ImportReport, RowResult

IMPORT_KEY_PREFIX = "imp1:"
QUERY_CHUNK = 500


class ImportRowError(ValidationError):
    """A service refused a row while saving; nothing of the import was kept."""

    def __init__(self, row_number: int, error: ValidationError):
        super().__init__(error)
        self.row_number = row_number


@dataclass
class ImportResult:
    saved: bool
    created_citizens: int = 0
    created_applications: int = 0
    skipped_duplicates: int = 0
    invalid_rows: int = 0
    created_citizen_ids: list[uuid.UUID] = field(default_factory=list)
    updated_citizen_ids: list[uuid.UUID] = field(default_factory=list)


def import_key_for(personal_number: str, received_on: datetime.date, kind: str) -> str:
    digest = hashlib.sha256(f"{personal_number}|{received_on:%Y-%m-%d}|{kind}".encode())
    return (IMPORT_KEY_PREFIX + digest.hexdigest())[:100]


def _chunks(items: list, size: int = QUERY_CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def existing_import_keys(keys: Iterable[str]) -> set[str]:
    wanted = sorted({key for key in keys if key})
    found: set[str] = set()
    for chunk in _chunks(wanted):
        # The keys are indexed where they are not empty (the unique constraint's condition);
        # PostgreSQL sees that a list of more than 100 keys is within it only when told.
        found.update(
            Application.objects.filter(import_key__in=chunk)
            .exclude(import_key="")
            .values_list("import_key", flat=True)
        )
    return found


def check_existing_citizens(rows: list[RowResult], team_id: int | None) -> list[uuid.UUID]:
    """A number that is already registered must belong to the importer's team and to the
    person the row names; otherwise a mistyped number would attach a case to someone else.

    Returns the citizens whose record the errors reveal (registered in another team, or
    under another name): telling the importer so reads the record, and is access-logged."""
    revealed: list[uuid.UUID] = []
    numbers = sorted({row.data.personal_number for row in rows if row.is_valid})
    existing: dict[str, Citizen] = {}
    for chunk in _chunks(numbers):
        existing.update(
            (citizen.personal_number, citizen)
            for citizen in Citizen.objects.filter(personal_number__in=chunk)
        )
    for row in rows:
        citizen = existing.get(row.data.personal_number) if row.is_valid else None
        if citizen is None:
            continue
        if team_id is not None and citizen.team_id != team_id:
            revealed.append(citizen.public_id)
            row.errors.append(
                (
                    "personnummer",
                    _(
                        "The citizen is registered in another team; "
                        "that team imports or logs the case."
                    ),
                )
            )
            continue
        fields = row.data.citizen_fields
        typed = (fields.get("first_name", ""), fields.get("last_name", ""))
        if tuple(fold(part) for part in typed) != (
            fold(citizen.first_name),
            fold(citizen.last_name),
        ):
            revealed.append(citizen.public_id)
            row.errors.append(
                (
                    "personnummer",
                    _(
                        "The number belongs to a registered citizen with another name; "
                        "check the number."
                    ),
                )
            )
    return revealed


def import_rows(*, report: ImportReport, actor: User, only_valid: bool) -> ImportResult:
    """Create the report's citizens and applications, all or nothing.

    With rows in error, nothing is saved unless ``only_valid``. A citizen who is already
    registered is reused; a row whose import key exists is skipped. If a service refuses a
    row, ``ImportRowError`` is raised and the whole import is rolled back.

    Each row is built and validated by the services the user interface saves through
    (``citizen_build``, ``application_build``); then all of them are saved together
    (``cases_import``), so the queries are a fixed number per call, not per row.
    """
    invalid = len(report.invalid_rows)
    if report.file_errors or (invalid and not only_valid):
        return ImportResult(
            saved=False, invalid_rows=invalid, skipped_duplicates=len(report.duplicate_rows)
        )
    if actor.team_id is None:
        raise ValidationError(_("You belong to no team, so imported cases would have no team."))
    team = actor.team
    result = ImportResult(saved=True, invalid_rows=invalid)
    result.skipped_duplicates = len(report.duplicate_rows)
    rows = report.importable_rows
    with transaction.atomic():
        numbers = sorted({row.data.personal_number for row in rows})
        # An import or registration of the same numbers at the same moment waits for this
        # one, then finds its citizens and import keys instead of failing on them.
        services.lock_personal_numbers(numbers)
        already = existing_import_keys(row.import_key for row in rows)
        citizens: dict[str, Citizen] = {}
        for chunk in _chunks(numbers):
            citizens.update(
                (citizen.personal_number, citizen)
                for citizen in Citizen.objects.filter(personal_number__in=chunk)
            )
        new_citizens: list[Citizen] = []
        applications = []
        updated: set[uuid.UUID] = set()
        for row in rows:
            if row.import_key in already:
                result.skipped_duplicates += 1
                continue
            data = row.data
            try:
                citizen = citizens.get(data.personal_number)
                if citizen is not None and citizen.team_id != actor.team_id:
                    raise ValidationError(_("The citizen is registered in another team."))
                if citizen is None:
                    citizen = services.citizen_build(
                        personal_number=data.personal_number,
                        team=team,
                        checked_in_database=False,
                        **data.citizen_fields,
                    )
                    new_citizens.append(citizen)
                    citizens[data.personal_number] = citizen
                elif citizen.pk is not None and citizen.public_id not in updated:
                    updated.add(citizen.public_id)
                    result.updated_citizen_ids.append(citizen.public_id)
                application = services.application_build(
                    citizen=citizen,
                    case_officer=actor,
                    services=data.services,
                    import_key=row.import_key,
                    checked_in_database=False,
                    **data.application_fields,
                )
            except ValidationError as error:
                raise ImportRowError(row.row_number, error) from error
            applications.append((application, data.services))
            already.add(row.import_key)
        services.cases_import(citizens=new_citizens, applications=applications, recorded_by=actor)
    result.created_citizen_ids = [citizen.public_id for citizen in new_citizens]
    result.created_citizens = len(new_citizens)
    result.created_applications = len(applications)
    return result
