"""Every write to citizens, applications and joint visits. Keyword-only, atomic."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rehab.models import Team, User

from .identity import parse_identity_number
from .models import Application, AppliedService, Citizen, JointVisit, ServiceType

CITIZEN_FIELDS = [
    "first_name",
    "last_name",
    "sex",
    "street_address",
    "postal_code",
    "city",
    "phone",
    "lives_alone",
    "protected_identity",
    "next_of_kin_name",
    "next_of_kin_relation",
    "next_of_kin_phone",
]
APPLICATION_FIELDS = [
    "kind",
    "received_on",
    "channel",
    "after_inpatient_stay",
    "existing_services",
    "case_officer",
    "therapist",
]


class ConflictError(ValidationError):
    """Somebody else saved the record after this user opened it."""

    def __init__(self):
        super().__init__(
            _(
                "Somebody else has saved this record since you opened it. Your changes were not "
                "saved: reload the page to see the latest version, then make your changes again."
            ),
            code="conflict",
        )


class DuplicateCitizenError(ValidationError):
    def __init__(self, existing: Citizen):
        self.existing = existing
        super().__init__(_("A citizen with this number is already registered."), code="duplicate")


@dataclass(frozen=True)
class ServiceRequest:
    service: ServiceType
    minutes_per_week: int | None


def _save_versioned(instance, fields: list[str], expected_version: int) -> None:
    """Write ``fields`` only if nobody saved since ``expected_version``; bump the version."""
    model = type(instance)
    updated = model.objects.filter(pk=instance.pk, version=expected_version).update(
        version=F("version") + 1,
        **{field: getattr(instance, field) for field in fields},
        updated_at=timezone.now(),
    )
    if updated != 1:
        raise ConflictError()
    instance.version = expected_version + 1


@transaction.atomic
def citizen_create(*, personal_number: str, team: Team, **fields) -> Citizen:
    identity = parse_identity_number(personal_number)
    existing = Citizen.objects.filter(personal_number=identity.normalised).first()
    if existing:
        raise DuplicateCitizenError(existing)
    fields.setdefault("sex", Citizen.Sex.FEMALE if identity.is_female else Citizen.Sex.MALE)
    citizen = Citizen(
        personal_number=identity.normalised,
        is_coordination_number=identity.is_coordination_number,
        birth_date=identity.birth_date,
        team=team,
        **{key: value for key, value in fields.items() if key in CITIZEN_FIELDS},
    )
    citizen.full_clean()
    citizen.save()
    return citizen


@transaction.atomic
def citizen_update(*, citizen: Citizen, expected_version: int, **fields) -> Citizen:
    for key, value in fields.items():
        if key in CITIZEN_FIELDS:
            setattr(citizen, key, value)
    citizen.full_clean(validate_unique=False)
    _save_versioned(citizen, [f for f in fields if f in CITIZEN_FIELDS], expected_version)
    return citizen


def _validate_services(services: list[ServiceRequest]) -> None:
    if not services:
        raise ValidationError({"services": _("Choose at least one applied service.")})
    errors = []
    for request in services:
        if request.service.has_minutes and not request.minutes_per_week:
            errors.append(
                _("%(service)s: give the applied minutes per week.")
                % {"service": request.service.name}
            )
        if not request.service.has_minutes and request.minutes_per_week:
            errors.append(
                _("%(service)s has no minutes; leave the minutes empty.")
                % {"service": request.service.name}
            )
    if errors:
        raise ValidationError({"services": errors})


def _replace_services(application: Application, services: list[ServiceRequest]) -> None:
    application.applied_services.all().delete()
    AppliedService.objects.bulk_create(
        AppliedService(
            application=application,
            service=request.service,
            minutes_per_week=request.minutes_per_week if request.service.has_minutes else None,
        )
        for request in services
    )


@transaction.atomic
def application_create(
    *,
    citizen: Citizen,
    received_on: datetime.date,
    channel: str,
    case_officer: User,
    services: list[ServiceRequest],
    kind: str = Application.Kind.APPLICATION,
    after_inpatient_stay: bool = False,
    existing_services: str = "",
    therapist: User | None = None,
    import_key: str = "",
) -> Application:
    _validate_services(services)
    application = Application(
        citizen=citizen,
        kind=kind,
        received_on=received_on,
        channel=channel,
        after_inpatient_stay=after_inpatient_stay,
        existing_services=existing_services,
        case_officer=case_officer,
        therapist=therapist,
        team=case_officer.team or citizen.team,
        import_key=import_key,
    )
    application.full_clean()
    application.save()
    _replace_services(application, services)
    return application


@transaction.atomic
def application_update(
    *,
    application: Application,
    expected_version: int,
    services: list[ServiceRequest] | None = None,
    **fields,
) -> Application:
    for key, value in fields.items():
        if key in APPLICATION_FIELDS:
            setattr(application, key, value)
    application.full_clean(validate_unique=False)
    if services is not None:
        _validate_services(services)
    _save_versioned(application, [f for f in fields if f in APPLICATION_FIELDS], expected_version)
    if services is not None:
        _replace_services(application, services)
    return application


@transaction.atomic
def joint_visit_book(
    *,
    application: Application,
    scheduled_at: datetime.datetime,
    case_officer: User,
    therapist: User,
    expected_version: int,
) -> JointVisit:
    """Book the joint home visit; the application moves to "visit booked"."""
    if application.status not in {Application.Status.RECEIVED, Application.Status.VISIT_BOOKED}:
        raise ValidationError(_("A visit can only be booked before the assessment."))
    application.therapist = therapist
    application.status = Application.Status.VISIT_BOOKED
    _save_versioned(application, ["therapist", "status"], expected_version)
    application.visits.filter(status=JointVisit.Status.BOOKED).update(
        status=JointVisit.Status.CANCELLED
    )
    return JointVisit.objects.create(
        application=application,
        scheduled_at=scheduled_at,
        case_officer=case_officer,
        therapist=therapist,
    )
