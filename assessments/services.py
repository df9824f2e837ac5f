"""Every write to citizens, applications and joint visits. Keyword-only, atomic."""

import datetime
import hmac
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from rehab.models import Team, User

from . import extension_points, scoring, selectors, workflow
from .identity import parse_identity_number
from .models import (
    QUEUE_COLUMNS,
    Application,
    AppliedService,
    AssessmentBasis,
    Citizen,
    Decision,
    Goal,
    GrantedService,
    InstrumentResult,
    JointVisit,
    LegalBasis,
    LifeArea,
    NeedAssessment,
    ProtectedIdentityGrant,
    RelatedFactor,
    ServiceType,
    VisitDraft,
    VisitRelatedFactor,
)

CITIZEN_FIELDS = [
    "first_name",
    "last_name",
    "sex",
    "street_address",
    "postal_code",
    "city",
    "phone",
    "lives_alone",
    "home_care_area",
    "next_of_kin_name",
    "next_of_kin_relation",
    "next_of_kin_phone",
]
# Protected identity may be set when a citizen is registered; afterwards it changes only
# through ``citizen_set_protection`` (with a reason), never as a side effect of editing.
CITIZEN_REGISTRATION_FIELDS = [*CITIZEN_FIELDS, "protected_identity"]
APPLICATION_FIELDS = [
    "kind",
    "received_on",
    "channel",
    "after_inpatient_stay",
    "existing_services",
    "case_officer",
    "therapist",
    "physio",
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
    """Write ``fields`` only if nobody saved since ``expected_version``; bump the version.

    The row is locked and saved (not updated in bulk) so the change history records who
    changed what."""
    model = type(instance)
    current = (
        model.objects.select_for_update().filter(pk=instance.pk).values_list("version", flat=True)
    )
    if list(current) != [expected_version]:
        raise ConflictError()
    instance.version = expected_version + 1
    instance.save(update_fields=[*fields, "version", "updated_at"])


def _insert_once(instance) -> None:
    """Insert a one-per-application record; if somebody else inserted it a moment ago,
    say so instead of failing with a database error."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise ConflictError() from None


def move_status(
    application: Application,
    move: workflow.Move,
    *,
    expected_version: int | None = None,
) -> None:
    """Make ``move`` (one of ``workflow.MOVES``) on the application, with its row locked.

    The one place a case's status changes. The move must start from the status the
    database holds now and every requirement of the workflow must hold for the case's facts
    (read after the caller wrote its records); given ``expected_version``, nobody may have
    saved the application since. The version is bumped and the application saved, not
    updated in bulk, so the change history records the move.

    A refused move raises ``ConflictError`` when the version differs, else a
    ``ValidationError`` with the workflow's words; the caller's transaction rolls back.
    """
    current = (
        Application.objects.select_for_update()
        .filter(pk=application.pk)
        .values_list("status", "version")
        .first()
    )
    if current is None:
        raise ValidationError(move.refusal)
    status, version = current
    if expected_version is not None and version != expected_version:
        raise ConflictError()
    application.status = status
    application._saved_status = status
    reason = workflow.refusal(move, selectors.case_facts(application))
    if reason is not None:
        if expected_version is not None and status not in move.sources:
            raise ConflictError()
        raise ValidationError(reason)
    application.status, application.version = move.target, version + 1
    application._status_move = True
    application.save(update_fields=["status", "version", "updated_at"])


def lock_personal_numbers(numbers: Iterable[str]) -> None:
    """On PostgreSQL, hold a lock on each normalised number until the transaction ends, so
    that a second registration of a number waits for the first and then finds it.

    A unique violation would write the number to the database server's log; the lock key is
    a keyed hash of the number, so the number itself is never sent. The locks are taken in
    one fixed order, so two transactions locking several never wait for each other in a ring.
    SQLite runs one writer at a time and has no such locks."""
    if connection.vendor != "postgresql":
        return
    secret = settings.SECRET_KEY.encode()
    keys = sorted(
        {
            int.from_bytes(
                hmac.digest(secret, f"citizen:{number}".encode(), "sha256")[:8], "big", signed=True
            )
            for number in numbers
        }
    )
    if not keys:
        return
    # One statement for any number of keys (an import locks a whole batch); the sorted
    # subquery makes the server take them in that order.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_advisory_xact_lock(key)) FROM "
            "(SELECT key FROM unnest(%s::bigint[]) AS key ORDER BY key) AS keys",
            [keys],
        )


def citizen_build(
    *, personal_number: str, team: Team, checked_in_database: bool = True, **fields
) -> Citizen:
    """The citizen ``citizen_create`` registers, validated and not saved yet.

    Without ``checked_in_database`` the checks that read the database are left out (the
    number's uniqueness and that the team and home-care area exist): for the import, which
    holds the numbers' locks, has looked them up and read the team and the areas itself."""
    identity = parse_identity_number(personal_number)
    fields.setdefault("sex", Citizen.Sex.FEMALE if identity.is_female else Citizen.Sex.MALE)
    citizen = Citizen(
        personal_number=identity.normalised,
        is_coordination_number=identity.is_coordination_number,
        birth_date=identity.birth_date,
        team=team,
        **{key: value for key, value in fields.items() if key in CITIZEN_REGISTRATION_FIELDS},
    )
    if checked_in_database:
        citizen.full_clean()
    else:
        citizen.full_clean(exclude=["team", "home_care_area"], validate_unique=False)
    return citizen


@transaction.atomic
def citizen_create(*, personal_number: str, team: Team, **fields) -> Citizen:
    identity = parse_identity_number(personal_number)
    lock_personal_numbers([identity.normalised])
    existing = Citizen.objects.filter(personal_number=identity.normalised).first()
    if existing:
        raise DuplicateCitizenError(existing)
    citizen = citizen_build(personal_number=identity.normalised, team=team, **fields)
    try:
        with transaction.atomic():
            citizen.save()
    except IntegrityError:
        # Registered by somebody else between the check above and this insert (SQLite; on
        # PostgreSQL the lock makes the second registration wait and find the first).
        raise DuplicateCitizenError(
            Citizen.objects.get(personal_number=identity.normalised)
        ) from None
    return citizen


@transaction.atomic
def citizen_update(*, citizen: Citizen, expected_version: int, **fields) -> Citizen:
    for key, value in fields.items():
        if key in CITIZEN_FIELDS:
            setattr(citizen, key, value)
    citizen.full_clean(validate_unique=False)
    _save_versioned(citizen, [f for f in fields if f in CITIZEN_FIELDS], expected_version)
    return citizen


@transaction.atomic
def citizen_set_protection(
    *, citizen: Citizen, protected: bool, reason: str, expected_version: int
) -> Citizen:
    """Set or lift protected identity, with the reason in the citizen's change history.
    Lifting it ends every grant to see the name (a later protection starts without any)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    if citizen.protected_identity == protected:
        raise ConflictError()
    citizen.protected_identity = protected
    citizen._change_reason = reason[:100]  # type: ignore[attr-defined]  # read by simple-history
    _save_versioned(citizen, ["protected_identity"], expected_version)
    if not protected:
        citizen.grants.all().delete()
    return citizen


@transaction.atomic
def identity_grant_create(
    *, citizen: Citizen, user: User, granted_by: User, reason: str
) -> ProtectedIdentityGrant:
    """Let ``user``, a member of the citizen's team, see the protected citizen's name."""
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Give the reason.")
    if not citizen.protected_identity:
        errors[NON_FIELD_ERRORS] = _("The citizen has no protected identity.")
    if user.team_id != citizen.team_id or not user.is_active:
        errors["user"] = _("Choose a member of the citizen's team.")
    elif citizen.grants.filter(user=user).exists():
        errors["user"] = _("This person already has access to the name.")
    if errors:
        raise ValidationError(errors)
    grant = ProtectedIdentityGrant(citizen=citizen, user=user, granted_by=granted_by, reason=reason)
    try:
        with transaction.atomic():
            grant.save()
    except IntegrityError:
        raise ValidationError({"user": _("This person already has access to the name.")}) from None
    return grant


@transaction.atomic
def identity_grant_revoke(
    *, citizen: Citizen, grant_id: int, reason: str
) -> ProtectedIdentityGrant:
    """End a grant to see the protected citizen's name (the reason goes to the access log);
    returns the grant as it was."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason.")})
    grant = citizen.grants.select_for_update().select_related("user").filter(pk=grant_id).first()
    if grant is None:
        raise ConflictError()
    grant.delete()
    return grant


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


def case_changed(application: Application) -> None:
    """Tell the later apps that the case's figures must be worked out again
    (``extension_points.case_changed``)."""
    _cases_changed([application])


def refresh_queue_columns(application: Application) -> None:
    """Write the application's queue columns (``models.QUEUE_COLUMNS``: the visit that
    counts, whether it is done, the applied minutes) from its visits and applied services.
    Every service that books, records or cancels a visit or replaces the applied services
    calls it; ``manage.py check_cases`` verifies the columns (ADR 0015)."""
    rows = Application.objects.filter(pk=application.pk)
    rows.update(**selectors.queue_column_values())
    for name, value in zip(QUEUE_COLUMNS, rows.values_list(*QUEUE_COLUMNS).get(), strict=True):
        setattr(application, name, value)


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
    refresh_queue_columns(application)


@transaction.atomic
def application_create(*, services: list[ServiceRequest], **fields) -> Application:
    application = application_build(services=services, **fields)
    application.save()
    _replace_services(application, services)
    case_changed(application)
    return application


def application_build(
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
    physio: User | None = None,
    import_key: str = "",
    checked_in_database: bool = True,
) -> Application:
    """The application ``application_create`` saves, validated and not saved yet (its
    services are checked too). Without ``checked_in_database``, as in ``citizen_build``:
    the import key's uniqueness and the related rows' existence are the caller's."""
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
        physio=physio,
        team=case_officer.team or citizen.team,
        import_key=import_key,
    )
    if checked_in_database:
        application.full_clean()
    else:
        application.full_clean(
            exclude=["citizen", "team", "case_officer", "therapist", "physio"],
            validate_unique=False,
            validate_constraints=False,
        )
    return application


@transaction.atomic
def cases_import(
    *,
    citizens: list[Citizen],
    applications: list[tuple[Application, list[ServiceRequest]]],
    recorded_by: User,
) -> None:
    """Save built citizens (``citizen_build``) and applications (``application_build``, of
    those or of registered citizens) with their services and change history, a statement
    per table whatever their number. The caller holds the numbers' locks
    (``lock_personal_numbers``) and has looked up the numbers and the import keys.

    On PostgreSQL each table gets one ``INSERT … SELECT`` of its rows sent as one bound
    JSON value (``_insert_rows``), and the ids are taken from the tables' sequences first;
    elsewhere Django's ``bulk_create``."""
    now = timezone.now()
    cases = [application for application, _requests in applications]
    for record in [*citizens, *cases]:
        record.created_at = record.updated_at = now
    for application, requests in applications:
        # The queue's column as refresh_queue_columns writes it: the applied minutes' sum,
        # NULL without minutes (a new case has no visit yet).
        minutes = [
            request.minutes_per_week
            for request in requests
            if request.service.has_minutes and request.minutes_per_week is not None
        ]
        application.applied_minutes = sum(minutes) if minutes else None
    applied = [
        (
            application,
            request.service,
            request.minutes_per_week if request.service.has_minutes else None,
        )
        for application, requests in applications
        for request in requests
    ]
    if connection.vendor != "postgresql":
        services_applied = [
            AppliedService(application=application, service=service, minutes_per_week=minutes)
            for application, service, minutes in applied
        ]
        Citizen.objects.bulk_create(citizens)
        Citizen.history.bulk_history_create(
            citizens, default_user=recorded_by, default_date=now, default_change_reason=None
        )
        Application.objects.bulk_create(cases)
        Application.history.bulk_history_create(
            cases, default_user=recorded_by, default_date=now, default_change_reason=None
        )
        AppliedService.objects.bulk_create(services_applied)
        _cases_changed(cases)
        return
    _insert_new(Citizen, citizens)
    _insert_history(Citizen, citizens, recorded_by=recorded_by, now=now)
    for application in cases:
        application.citizen_id = application.citizen.pk
    _insert_new(Application, cases)
    _insert_history(Application, cases, recorded_by=recorded_by, now=now)
    _insert_rows(
        AppliedService,
        [
            AppliedService._meta.get_field(name)
            for name in ("application", "service", "minutes_per_week")
        ],
        [(application.pk, service.pk, minutes) for application, service, minutes in applied],
    )
    _cases_changed(cases)


def _cases_changed(cases: list[Application]) -> None:
    """``case_changed`` for a batch of new cases, one call per hook."""
    if cases:
        for hook in extension_points.case_changed:
            hook(application_ids=[application.pk for application in cases])


def _insert_rows(model, fields: list, rows: list[tuple]) -> None:
    """PostgreSQL: insert ``rows`` (values in the order of ``fields``) in one statement.

    The rows travel as one JSON parameter, which the server turns back into typed rows
    (``json_to_recordset``): a bound value like any other, so the values are never part of
    the statement's text, and far cheaper to send than an array per column."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = [field.column for field in fields]
    columns = ", ".join(quote(name) for name in names)
    types = ", ".join(f"{quote(field.column)} {field.db_type(connection)}" for field in fields)
    payload = json.dumps([dict(zip(names, row, strict=True)) for row in rows], default=str)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608 -- names from the models
            f"SELECT {columns} FROM json_to_recordset(%s::json) AS rows({types})",
            [payload],
        )


def _insert_new(model, records: list) -> None:
    """PostgreSQL: give ``records`` ids from the table's sequence and insert them."""
    if not records:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, len(records)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    for record, pk in zip(records, ids, strict=True):
        record.pk = pk
    fields = model._meta.concrete_fields
    _insert_rows(
        model,
        fields,
        [tuple(getattr(record, field.attname) for field in fields) for record in records],
    )
    for record in records:
        record._state.adding = False
        record._state.db = connection.alias


def _insert_history(model, records: list, *, recorded_by: User, now) -> None:
    """PostgreSQL: the change history's "created" row of each record, as simple-history's
    ``bulk_history_create`` writes it, in one statement."""
    history = model.history.model
    tracked = {field.attname for field in history.tracked_fields}
    own = {
        "history_date": now,
        "history_change_reason": None,
        "history_type": "+",
        "history_user_id": recorded_by.pk,
    }
    fields = [field for field in history._meta.concrete_fields if not field.primary_key]
    unknown = [f.attname for f in fields if f.attname not in tracked and f.attname not in own]
    if unknown:
        raise ValueError(f"history fields the import does not fill: {unknown}")
    _insert_rows(
        history,
        fields,
        [
            tuple(
                getattr(record, field.attname) if field.attname in tracked else own[field.attname]
                for field in fields
            )
            for record in records
        ],
    )


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
        case_changed(application)
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
    if not workflow.may_start(workflow.BOOK_VISIT, workflow.CaseFacts(status=application.status)):
        raise ValidationError(workflow.BOOK_VISIT.refusal)
    application.therapist = therapist
    _save_versioned(application, ["therapist"], expected_version)
    # The version moves too, so a form still open on a cancelled visit cannot revive it.
    application.visits.filter(status=JointVisit.Status.BOOKED).update(
        status=JointVisit.Status.CANCELLED, version=F("version") + 1
    )
    visit = JointVisit.objects.create(
        application=application,
        scheduled_at=scheduled_at,
        case_officer=case_officer,
        therapist=therapist,
    )
    refresh_queue_columns(application)
    move_status(application, workflow.BOOK_VISIT)
    return visit


# --- Joint visit findings, instruments, assessment basis, decision -------------------------

VISIT_FINDING_FIELDS = [
    "case_officer_attended",
    "other_participants",
    "housing",
    "stairs",
    "bathroom",
    "assistive_devices",
    "network",
    "measures_agreed",
    "potential_for_independence",
    "potential_reasoning",
    "motivated_to_train",
]


# A completed visit's findings can be corrected in these statuses too (until the decision).
VISIT_CORRECTION_STATUSES = frozenset({workflow.Status.IN_TRACK, workflow.Status.AWAITING_DECISION})


@dataclass(frozen=True)
class GoalInput:
    text: str
    life_area: LifeArea | None = None


@transaction.atomic
def joint_visit_record(
    *,
    visit: JointVisit,
    expected_version: int,
    actor: User,
    goals: list[GoalInput],
    needs: dict[LifeArea, str],
    complete: bool,
    related_factors: dict[RelatedFactor, str] | None = None,
    **findings,
) -> JointVisit:
    """Save what the joint visit found. ``complete`` marks the visit done and the application
    assessed; a draft can be saved any number of times before that.

    ``needs`` (per life area) and ``related_factors`` (IBIC's relaterade faktorer, such as
    pain) replace what the visit had; a factor with an empty description is not recorded.
    Without ``related_factors`` the visit's related factors stay as they are.

    A visit is marked done on or after the day it was booked for (the workflow's
    ``COMPLETE_VISIT``); earlier, the refusal names that rule and nothing is saved.

    A completed visit's findings can be corrected until the case is decided; each
    correction lands in the visit's change history. Once the case has taken its path (a
    track confirmed or a handover recorded), the potential for independence that chose the
    path stays as it is, and the case's status does not move.
    """
    application = visit.application
    in_visit_stage = workflow.may_start(
        workflow.COMPLETE_VISIT, workflow.CaseFacts(status=application.status)
    )
    if not in_visit_stage and not (
        visit.is_done and application.status in VISIT_CORRECTION_STATUSES
    ):
        raise ValidationError(
            _("The joint visit can no longer be changed: the decision has been recorded.")
        )
    if complete and not visit.is_done:
        day_facts = workflow.CaseFacts(
            status=application.status,
            today=timezone.localdate(),
            visit_on=timezone.localdate(visit.scheduled_at),
        )
        if not workflow.can(workflow.COMPLETE_VISIT, day_facts):
            raise ValidationError(workflow.why_not_start(workflow.COMPLETE_VISIT, day_facts))
    if (
        not in_visit_stage
        and "potential_for_independence" in findings
        and findings["potential_for_independence"] != visit.potential_for_independence
    ):
        raise ValidationError(
            {
                "potential_for_independence": _(
                    "The potential for independence chose the case's track or handover and "
                    "can no longer be changed."
                )
            }
        )
    for key, value in findings.items():
        if key in VISIT_FINDING_FIELDS:
            setattr(visit, key, value)
    if complete or visit.is_done:
        if visit.potential_for_independence is None:
            raise ValidationError(
                {
                    "potential_for_independence": _(
                        "Say whether there is potential for "
                        "independence before completing the visit."
                    )
                }
            )
        if not (visit.potential_reasoning or "").strip():
            raise ValidationError(
                {"potential_reasoning": _("Give the reasoning behind the potential.")}
            )
        visit.status = JointVisit.Status.DONE
    visit.recorded_by = actor
    visit.recorded_at = timezone.now()
    visit._history_user = actor  # type: ignore[attr-defined]  # read by simple-history
    visit.full_clean(validate_unique=False)
    _save_versioned(
        visit,
        [f for f in findings if f in VISIT_FINDING_FIELDS]
        + ["status", "recorded_by", "recorded_at"],
        expected_version,
    )
    application.goals.all().delete()
    Goal.objects.bulk_create(
        Goal(
            application=application,
            text=goal.text.strip(),
            life_area=goal.life_area,
            sort_order=order,
        )
        for order, goal in enumerate(goals)
        if goal.text.strip()
    )
    visit.needs.all().delete()
    NeedAssessment.objects.bulk_create(
        NeedAssessment(visit=visit, life_area=area, need=text.strip())
        for area, text in needs.items()
        if text and text.strip()
    )
    if related_factors is not None:
        visit.related_factors.all().delete()
        VisitRelatedFactor.objects.bulk_create(
            VisitRelatedFactor(visit=visit, factor=factor, description=text.strip())
            for factor, text in related_factors.items()
            if text and text.strip()
        )
    VisitDraft.objects.filter(visit=visit, user=actor).delete()
    refresh_queue_columns(application)
    if complete and in_visit_stage:
        move_status(application, workflow.COMPLETE_VISIT)
    case_changed(application)
    return visit


VISIT_DRAFT_MAX_CHARS = 4000


@transaction.atomic
def joint_visit_draft_save(
    *, visit: JointVisit, user: User, data: dict[str, str], expected_version: int
) -> VisitDraft:
    """Keep what ``user`` has typed into the visit's form so far. The visit itself is not
    touched: neither its version nor its status changes. Refused with ``ConflictError``
    when somebody saved the visit after ``expected_version``, the version the form shows."""
    if JointVisit.objects.filter(pk=visit.pk, version=expected_version).count() != 1:
        raise ConflictError()
    status = visit.application.status
    if not workflow.may_start(workflow.COMPLETE_VISIT, workflow.CaseFacts(status=status)) and not (
        visit.is_done and status in VISIT_CORRECTION_STATUSES
    ):
        # A draft is kept as long as the visit itself may still be saved (see
        # ``joint_visit_record``: corrections until the decision).
        raise ValidationError(
            _("The joint visit can no longer be changed: the decision has been recorded.")
        )
    draft, _created = VisitDraft.objects.update_or_create(
        visit=visit,
        user=user,
        defaults={
            "data": {
                str(name)[:100]: str(value)[:VISIT_DRAFT_MAX_CHARS] for name, value in data.items()
            },
            "base_version": expected_version,
            "saved_at": timezone.now(),
        },
    )
    return draft


@transaction.atomic
def joint_visit_draft_discard(*, visit: JointVisit, user: User) -> None:
    """Throw away ``user``'s draft of the visit form."""
    VisitDraft.objects.filter(visit=visit, user=user).delete()


WALKING_AID = _("walking aid used")
NO_WALKING_AID = _("no walking aid")

# Flags that call for attention; others (such as EQ-5D "full health") are only facts.
CONCERN_FLAGS = {"high_risk", "high_concern", "increased_fall_risk", "any_extreme"}


def _json_safe(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (tuple, list)):
        return [_json_safe(item) for item in value]
    return value


def _stored_result(result: scoring.ScoreResult) -> dict:
    """What is kept of a scored instrument: codes and levels, score, flags and wording."""
    values = asdict(result)
    for key in ("instrument", "version", "interpretation"):
        values.pop(key)
    score_text = str(result.score)
    variant: object = ""  # a lazy translation until rendered below
    if isinstance(result, scoring.TugResult):
        score_text = f"{result.seconds} s"
        variant = WALKING_AID if result.walking_aid_used else NO_WALKING_AID
    elif isinstance(result, scoring.Eq5d5lResult):
        score_text = f"{result.health_state}, VAS {result.vas}"
    with translation.override("sv"):
        interpretation = str(result.interpretation)
        variant = str(variant)
    return {
        "version": result.version,
        "variant": variant,
        "answers": {key: _json_safe(value) for key, value in values.items()},
        "score": Decimal(result.score),
        "score_text": score_text,
        "flag": bool(CONCERN_FLAGS & set(result.raised_flags)),
        "interpretation": interpretation[:300],
    }


@transaction.atomic
def instrument_record(
    *,
    application: Application,
    instrument: str,
    answers: dict,
    actor: User,
    occasion: str = InstrumentResult.Occasion.ASSESSMENT,
) -> InstrumentResult:
    """Score with the instrument's one scoring function and store the result with its
    version; refusals (out-of-range answers) come back as field errors."""
    spec = scoring.INSTRUMENTS.get(instrument)
    if spec is None:
        raise ValidationError(_("Unknown instrument."))
    stored = _stored_result(spec.score_answers(answers))
    result = InstrumentResult.objects.create(
        application=application,
        instrument=instrument,
        occasion=occasion,
        recorded_by=actor,
        **stored,
    )
    case_changed(application)
    return result


@transaction.atomic
def assessment_basis_save(
    *,
    application: Application,
    actor: User,
    summary: str,
    recommended_measures: str,
    expected_version: int | None,
    hand_over: bool,
    handed_over_at: datetime.datetime | None = None,
) -> AssessmentBasis:
    """Write or revise the basis; handing it over puts the case in the case officer's queue."""
    basis = AssessmentBasis.objects.filter(application=application).first()
    if basis is None:
        basis = AssessmentBasis(
            application=application,
            written_by=actor,
            summary=summary,
            recommended_measures=recommended_measures,
        )
        basis.full_clean(validate_unique=False)
        _insert_once(basis)
    else:
        if basis.handed_over_at:
            raise ValidationError(_("The assessment basis has already been handed over."))
        basis.summary, basis.recommended_measures = summary, recommended_measures
        basis.written_by = actor
        basis.full_clean(validate_unique=False)
        _save_versioned(
            basis, ["summary", "recommended_measures", "written_by"], expected_version or 0
        )
    if hand_over:
        # Now, unless a case recorded afterwards (an import, the demo) gives when it was.
        now = timezone.now()
        if handed_over_at is not None and handed_over_at > now:
            raise ValidationError(_("The date cannot be in the future."))
        basis.handed_over_at = handed_over_at or now
        AssessmentBasis.objects.filter(pk=basis.pk).update(handed_over_at=basis.handed_over_at)
        move_status(application, workflow.HAND_OVER_BASIS)
    return basis


@dataclass(frozen=True)
class ServiceDecision:
    """What the decision says about one applied service: its outcome
    (``GrantedService.Outcome``), the minutes granted and the reason for anything less."""

    service: ServiceType
    outcome: str
    minutes_per_week: int | None = None
    reason: str = ""


def decision_line_field(part: str, service: ServiceType) -> str:
    """The name of a decision form's field for one service ("outcome", "minutes", "reason");
    the service's refusals of a line are keyed by it."""
    return f"{part}_{service.code}"


def _as_decision_line(line: "ServiceRequest | ServiceDecision", applied: int | None):
    """A bare granted amount reads as the outcome it amounts to beside what was applied."""
    if isinstance(line, ServiceDecision):
        return line
    Outcome = GrantedService.Outcome
    if not line.service.has_minutes:
        return ServiceDecision(line.service, Outcome.GRANTED)
    minutes = line.minutes_per_week or 0
    if minutes == 0:
        outcome = Outcome.REFUSED
    elif applied is not None and minutes < applied:
        outcome = Outcome.PARTLY_GRANTED
    else:
        outcome = Outcome.GRANTED
    return ServiceDecision(line.service, outcome, minutes)


def _check_decision_line(line: ServiceDecision, applied: int | None, errors: dict) -> None:
    Outcome = GrantedService.Outcome
    service, minutes = line.service, line.minutes_per_week
    minutes_field = decision_line_field("minutes", service)
    reason_field = decision_line_field("reason", service)
    if line.outcome not in Outcome.values:
        errors[decision_line_field("outcome", service)] = _("Choose the outcome.")
        return
    if not service.has_minutes:
        if minutes:
            errors[minutes_field] = _("%(service)s has no minutes; leave the minutes empty.") % {
                "service": service.name
            }
        if line.outcome == Outcome.PARTLY_GRANTED:
            errors[decision_line_field("outcome", service)] = _(
                "A service without minutes is granted or refused, not partly granted."
            )
    elif line.outcome == Outcome.REFUSED:
        if minutes:
            errors[minutes_field] = _("A refused service has no granted minutes.")
    elif line.outcome == Outcome.PARTLY_GRANTED:
        if not minutes or (applied is not None and minutes >= applied):
            errors[minutes_field] = _(
                "A partly granted service has fewer minutes than the %(applied)s applied for, "
                "and more than none."
            ) % {"applied": applied or 0}
    elif minutes is None or (applied is not None and minutes < applied):
        errors[minutes_field] = _(
            "Fewer minutes than applied for: choose partly granted and give the reason."
        )
    if line.outcome != Outcome.GRANTED and not line.reason.strip():
        errors[reason_field] = (
            _("Give the reason for the refusal.")
            if line.outcome == Outcome.REFUSED
            else _("Give the reason for granting less than applied for.")
        )


def over_granted(lines: list[ServiceDecision], applied: dict[int, int | None]) -> list:
    """The services granted more minutes per week than were applied for."""
    return [
        line.service
        for line in lines
        if line.service.has_minutes
        and line.minutes_per_week
        and line.minutes_per_week > (applied.get(line.service.pk) or 0)
    ]


def _granted_summary(lines: list[ServiceDecision]) -> str:
    """The lines in words, for the change history (always Swedish, like the record)."""
    with translation.override("sv"):
        parts = []
        for line in sorted(lines, key=lambda line: (line.service.sort_order, line.service.name)):
            outcome = GrantedService.Outcome(line.outcome).label
            if line.service.has_minutes:
                parts.append(
                    _("%(service)s: %(minutes)s min/week, %(outcome)s")
                    % {
                        "service": line.service.name,
                        "minutes": line.minutes_per_week or 0,
                        "outcome": str(outcome).lower(),
                    }
                )
            else:
                parts.append(f"{line.service.name}: {str(outcome).lower()}")
        return "; ".join(str(part) for part in parts)


@transaction.atomic
def decision_record(
    *,
    application: Application,
    actor: User,
    decided_on: datetime.date,
    granted: "list[ServiceRequest | ServiceDecision]",
    legal_basis: LegalBasis | None = None,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    urgent_reason: str = "",
    over_grant_confirmed: bool = False,
    level_before: int | None = None,
    level_after: int | None = None,
    notes: str = "",
    expected_version: int | None = None,
) -> Decision:
    """Record (or correct) the decision: an outcome per applied service (granted, partly
    granted with fewer minutes, or refused, the last two with a reason), the legal basis,
    the validity and the needs levels.

    Every applied service gets its line; more minutes than applied need
    ``over_grant_confirmed``. A decision dated before the joint visit or the handover is
    refused unless ``urgent_reason`` says why it is urgent (``workflow.RECORD_DECISION``);
    the workflow's date refusals are keyed by ``decided_on``.
    """
    applied = {row.service_id: row.minutes_per_week for row in application.applied_services.all()}
    lines = [_as_decision_line(line, applied.get(line.service.pk)) for line in granted]
    errors: dict = {}
    by_service = {line.service.pk: line for line in lines}
    for line in lines:
        if line.service.pk not in applied:
            errors[decision_line_field("outcome", line.service)] = _(
                "%(service)s was not applied for."
            ) % {"service": line.service.name}
        else:
            _check_decision_line(line, applied.get(line.service.pk), errors)
    missing = [
        row.service.name
        for row in application.applied_services.select_related("service").order_by(
            "service__sort_order", "service__code"
        )
        if row.service_id not in by_service
    ]
    if missing:
        errors.setdefault(NON_FIELD_ERRORS, []).append(
            _("Decide on every applied service: %(services)s.") % {"services": ", ".join(missing)}
        )
    if legal_basis is None:
        errors["legal_basis"] = _("Choose the legal basis of the decision.")
    if valid_from and valid_until and valid_until < valid_from:
        errors["valid_until"] = _("The decision cannot end before it starts.")
    if valid_until and not valid_from and valid_until < decided_on:
        errors["valid_until"] = _("The decision cannot end before it is taken.")
    over = over_granted(lines, applied)
    if over and not over_grant_confirmed:
        errors["confirm_over_grant"] = _(
            "More minutes than applied for are granted for %(services)s: confirm that this "
            "is intended."
        ) % {"services": ", ".join(service.name for service in over)}
    if errors:
        raise ValidationError(errors)
    decision = Decision.objects.filter(application=application).first()
    fields = {
        "decided_on": decided_on,
        "level_before": level_before,
        "level_after": level_after,
        "notes": notes,
        "decided_by": actor,
        "legal_basis": legal_basis,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "urgent_reason": urgent_reason.strip(),
        "granted_summary": _granted_summary(lines),
    }
    if decision is None:
        decision = Decision(application=application, **fields)
        decision.full_clean(validate_unique=False)
        _insert_once(decision)
    else:
        for key, value in fields.items():
            setattr(decision, key, value)
        decision.full_clean(validate_unique=False)
        _save_versioned(decision, list(fields), expected_version or 0)
    decision.granted_services.all().delete()
    GrantedService.objects.bulk_create(
        GrantedService(
            decision=decision,
            service=line.service,
            outcome=line.outcome,
            minutes_per_week=(line.minutes_per_week or 0) if line.service.has_minutes else None,
            reason=line.reason.strip(),
        )
        for line in lines
    )
    try:
        move_status(application, workflow.RECORD_DECISION)
    except ConflictError:
        raise
    except ValidationError as refusal:
        if refusal.messages == [str(workflow.RECORD_DECISION.refusal)]:
            raise
        # The case awaits the decision, so the refusal is about its date.
        raise ValidationError({"decided_on": refusal.messages}) from None
    for hook in extension_points.after_decision:
        hook(decision=decision)
    return decision
