"""Every read a view needs; scoping by role happens here, once."""

import datetime

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from rehab.models import User
from rehab.roles import Role, roles_of

from . import extension_points, workflow
from .identity import looks_like_identity_number, parse_identity_number
from .models import (
    Application,
    AppliedService,
    AssessmentBasis,
    Citizen,
    Decision,
    GrantedService,
    InstrumentResult,
    JointVisit,
    LifeArea,
    ProtectedIdentityGrant,
    RelatedFactor,
    VisitDraft,
)

OPEN_STATUSES = [s for s in Application.Status if s in workflow.OPEN_STATUSES]


def booking_deadline(today: datetime.date | None = None) -> datetime.date:
    """Applications received before this date without a booked visit are overdue."""
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=settings.SAMREHAB_BOOKING_TARGET_DAYS)


def applications_visible_to(user: User) -> QuerySet[Application]:
    roles = set(roles_of(user))
    scope = Q(pk__in=[])
    if Role.CASE_OFFICER in roles and user.team_id:
        scope |= Q(team_id=user.team_id)
    if Role.THERAPIST in roles:
        scope |= Q(therapist=user)
    if Role.PHYSIO in roles:
        scope |= Q(physio=user)
    return Application.objects.filter(scope)


def citizens_visible_to(user: User) -> QuerySet[Citizen]:
    roles = set(roles_of(user))
    scope = Q(pk__in=[])
    if Role.CASE_OFFICER in roles and user.team_id:
        scope |= Q(team_id=user.team_id)
    if roles & {Role.THERAPIST, Role.PHYSIO}:
        assigned = Application.objects.filter(Q(therapist=user) | Q(physio=user))
        scope |= Q(Exists(assigned.filter(citizen=OuterRef("pk"))))
    return Citizen.objects.filter(scope)


def name_granted(user: User, citizen_path: str = "") -> Exists:
    """True where ``user`` holds a grant to see the (protected) citizen's name."""
    return Exists(
        ProtectedIdentityGrant.objects.filter(citizen=OuterRef(citizen_path or "pk"), user=user)
    )


def with_name_visibility(queryset: QuerySet, user: User, citizen_path: str = "") -> QuerySet:
    """Annotate ``name_granted``: may this user see a protected citizen's name?"""
    return queryset.annotate(name_granted=name_granted(user, citizen_path))


def overdue_condition(today: datetime.date | None = None) -> Q:
    """Received and not booked within the target, or booked for a time that has passed."""
    # The booked visit is the one that counts until a visit is done (``visit_at``).
    return Q(status=Application.Status.RECEIVED, received_on__lt=booking_deadline(today)) | Q(
        status=Application.Status.VISIT_BOOKED, visit_done=False, visit_at__lt=timezone.now()
    )


def queue_column_values() -> dict:
    """What the application's queue columns (``models.QUEUE_COLUMNS``) should hold, as
    expressions on the application: for ``update`` (the services), the backfill and the
    integrity check. The visit that counts is the latest one done, else the next one
    booked; subqueries, not joins, so that several visits do not multiply the minutes."""
    done_visits = JointVisit.objects.filter(
        application=OuterRef("pk"), status=JointVisit.Status.DONE
    ).order_by("-scheduled_at", "-pk")
    booked_visits = JointVisit.objects.filter(
        application=OuterRef("pk"), status=JointVisit.Status.BOOKED
    ).order_by("scheduled_at", "pk")
    minutes = (
        AppliedService.objects.filter(application=OuterRef("pk"))
        .values("application")
        .annotate(total=Sum("minutes_per_week"))
        .values("total")
    )
    return {
        "visit_at": Coalesce(
            Subquery(done_visits.values("scheduled_at")[:1]),
            Subquery(booked_visits.values("scheduled_at")[:1]),
        ),
        "visit_done": Exists(done_visits),
        "applied_minutes": Subquery(minutes),
    }


def work_queue_for(*, user: User, today: datetime.date | None = None) -> QuerySet[Application]:
    """Open applications the user may see, with everything the queue shows in one query.

    The visit time and the applied minutes are the application's own columns, kept by the
    services (``services.refresh_queue_columns``), so that every sort and filter is served
    by an index of the application (ADR 0015)."""
    queryset = (
        applications_visible_to(user)
        .select_related("citizen", "case_officer", "therapist")
        .annotate(
            name_granted=name_granted(user, "citizen"),
            overdue=ExpressionWrapper(overdue_condition(today), output_field=BooleanField()),
            # Protected citizens sort by a blank name for users who may not see it. The
            # grant is looked up for protected citizens only.
            sort_name=Case(
                When(
                    Q(citizen__protected_identity=False)
                    | Q(
                        Exists(
                            ProtectedIdentityGrant.objects.filter(
                                citizen=OuterRef("citizen"), user=user
                            )
                        )
                    ),
                    then=Concat("citizen__last_name", Value(" "), "citizen__first_name"),
                ),
                default=Value(""),
            ),
        )
    )
    return queryset.order_by("received_on", "pk")


def citizen_search(*, user: User, query: str, limit: int = 50) -> list[Citizen]:
    """Find citizens by identity number (exact) or by name (all words must match)."""
    query = (query or "").strip()
    if not query:
        return []
    citizens = with_name_visibility(citizens_visible_to(user), user)
    if looks_like_identity_number(query):
        try:
            number = parse_identity_number(query).normalised
        except Exception:
            return []
        # An exact number finds a protected citizen too (listed without the name).
        return list(citizens.filter(personal_number=number)[:limit])
    # A protected citizen's name finds them only for users granted to see it.
    citizens = citizens.filter(Q(protected_identity=False) | Q(name_granted=True))
    for word in query.split():
        citizens = citizens.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return list(citizens.order_by("last_name", "first_name")[:limit])


def citizen_detail(*, user: User, public_id) -> Citizen:
    return (
        with_name_visibility(citizens_visible_to(user), user)
        .select_related("team")
        .get(public_id=public_id)
    )


def citizen_applications(*, user: User, citizen: Citizen) -> list[Application]:
    """The citizen's applications that this user may see (a therapist: only assigned ones)."""
    return list(
        applications_visible_to(user)
        .filter(citizen=citizen)
        .select_related("case_officer", "therapist")
        .prefetch_related(
            "applied_services__service",
            Prefetch(
                "visits", queryset=JointVisit.objects.select_related("case_officer", "therapist")
            ),
        )
        .order_by("-received_on", "-pk")
    )


def citizen_timeline(*, user: User, citizen: Citizen) -> list[dict]:
    """Applications and visits (later: decisions and follow-ups) in date order, newest first."""
    events = []
    for application in citizen_applications(user=user, citizen=citizen):
        events.append(
            {"date": application.received_on, "kind": "application", "application": application}
        )
        for visit in application.visits.all():
            events.append(
                {
                    "date": timezone.localtime(visit.scheduled_at).date(),
                    "kind": "visit",
                    "visit": visit,
                    "application": application,
                }
            )
    return sorted(events, key=lambda event: event["date"], reverse=True)


def application_detail(*, user: User, public_id) -> Application:
    return (
        with_name_visibility(applications_visible_to(user), user, citizen_path="citizen")
        .select_related(
            "citizen",
            "case_officer",
            "therapist",
            "team",
            "assessment_basis",
            "decision__decided_by",
            "decision__legal_basis",
        )
        .prefetch_related(
            "applied_services__service",
            "visits__therapist",
            "visits__case_officer",
            "decision__granted_services__service",
        )
        .get(public_id=public_id)
    )


# A time-limited decision comes up for review this many days before it ends.
REVIEW_DAYS_BEFORE_END = 30


def decision_review_condition(today: datetime.date | None = None) -> Q:
    """Open cases whose time-limited decision ends within ``REVIEW_DAYS_BEFORE_END`` days
    or has already ended: the decision is to be reviewed (omprövas)."""
    today = today or timezone.localdate()
    return Q(
        status__in=OPEN_STATUSES,
        decision__valid_until__isnull=False,
        decision__valid_until__lte=today + datetime.timedelta(days=REVIEW_DAYS_BEFORE_END),
    )


def decision_form_context(*, request, application: Application) -> dict:
    """What the decision form shows beside it: the assessment basis (summary and
    recommended measures) and the sections later apps contribute (the track, the
    interventions and the assistive devices prescribed)."""
    basis = AssessmentBasis.objects.filter(application=application).first()
    sections = [
        (section.template, context)
        for section in extension_points.decision_sections
        if (context := section.context(request, application)) is not None
    ]
    return {"basis": basis, "recommendation_sections": sections}


def decision_letter(*, application: Application) -> Decision:
    """The decision with what its letter prints, in a fixed number of queries."""
    return (
        Decision.objects.select_related(
            "legal_basis",
            "decided_by",
            "application__team",
            "application__citizen",
            "application__case_officer",
        )
        .prefetch_related(
            Prefetch(
                "granted_services",
                queryset=GrantedService.objects.select_related("service").order_by(
                    "service__sort_order", "service__name"
                ),
            )
        )
        .get(application=application)
    )


def staff_with_role(role: Role, team_id: int | None = None) -> QuerySet[User]:
    users = User.objects.filter(groups__name=role.value, is_active=True)
    if team_id:
        users = users.filter(team_id=team_id)
    return users.order_by("last_name", "first_name")


def work_queue_counts(*, user: User, today: datetime.date | None = None) -> dict[str, int]:
    """The figures above the queue, in one aggregate query, by the same rules as the rows."""
    mine = applications_visible_to(user).filter(case_officer=user, status__in=OPEN_STATUSES)
    return mine.aggregate(
        open=Count("pk"),
        to_book=Count("pk", filter=Q(status=Application.Status.RECEIVED)),
        overdue=Count("pk", filter=overdue_condition(today)),
        follow_up_due=Count("pk", filter=Q(status=Application.Status.FOLLOW_UP_DUE)),
    )


def visits_for(*, user: User, today: datetime.date | None = None) -> QuerySet[JointVisit]:
    """The joint visits a therapist or physio takes part in, in the order of the work:
    booked visits whose day has come and that are still to be recorded (the oldest first),
    then the coming ones (the soonest first), then those done (the latest first); the
    visit's id breaks ties, so that the pages split the same way each time."""
    today = today or timezone.localdate()
    tomorrow = datetime.datetime.combine(
        today + datetime.timedelta(days=1), datetime.time.min, timezone.get_current_timezone()
    )
    booked = Q(status=JointVisit.Status.BOOKED)
    return (
        JointVisit.objects.filter(application__therapist=user)
        .exclude(status=JointVisit.Status.CANCELLED)
        .select_related("application__citizen", "case_officer", "therapist")
        .annotate(
            name_granted=name_granted(user, "application__citizen"),
            work_group=Case(
                When(booked & Q(scheduled_at__lt=tomorrow), then=Value(0)),
                When(booked, then=Value(1)),
                default=Value(2),
            ),
            booked_at=Case(When(booked, then="scheduled_at")),
        )
        .order_by("work_group", "booked_at", "-scheduled_at", "pk")
    )


def current_visit(*, application: Application) -> JointVisit | None:
    """The joint visit that counts: the latest one not cancelled."""
    return (
        application.visits.exclude(status=JointVisit.Status.CANCELLED)
        .order_by("-scheduled_at")
        .first()
    )


def visit_findings(*, visit: JointVisit) -> dict:
    """Goals, needs per life area and the life areas to show, and the related factors with
    their descriptions, for the visit form. A retired factor still shows where the visit
    describes it, so that saving the form does not drop the description."""
    recorded = {item.factor_id: item.description for item in visit.related_factors.all()}
    return {
        "goals": list(visit.application.goals.select_related("life_area")),
        "needs": {need.life_area_id: need.need for need in visit.needs.all()},
        "life_areas": list(LifeArea.objects.filter(active=True)),
        "related_factors": recorded,
        "factors": list(RelatedFactor.objects.filter(Q(active=True) | Q(pk__in=recorded))),
    }


def visit_draft(*, visit: JointVisit, user) -> VisitDraft | None:
    """The user's unsaved draft of the visit form, if any."""
    return VisitDraft.objects.filter(visit=visit, user=user).first()


def instrument_results(*, application: Application) -> list[InstrumentResult]:
    return list(application.instrument_results.select_related("recorded_by"))


def applied_vs_granted(*, application: Application) -> dict:
    """Applied and granted minutes per service side by side, and the minutes saved
    (applied − granted, as the savings models count them); ``over_granted`` is the
    minutes granted beyond the application, where more was granted than applied for.

    Granted and saved minutes mean something only once a decision exists: before it,
    ``decided`` is false and the pages show the applied services alone."""
    applied = {row.service_id: row for row in application.applied_services.all()}
    decision = getattr(application, "decision", None)
    granted = {}
    if decision is not None:
        granted = {row.service_id: row for row in decision.granted_services.all()}
    rows = []
    for service_id, row in applied.items():
        given = granted.get(service_id)
        applied_minutes = row.minutes_per_week or 0
        granted_minutes = (given.minutes_per_week or 0) if given else 0
        rows.append(
            {
                "service": row.service,
                "applied": row.minutes_per_week,
                "granted": given.minutes_per_week if given else None,
                "granted_at_all": given is not None
                and given.outcome != GrantedService.Outcome.REFUSED,
                "saved": applied_minutes - granted_minutes,
                "over_granted": max(granted_minutes - applied_minutes, 0),
            }
        )
    total_applied = sum(r["applied"] or 0 for r in rows)
    total_granted = sum((r["granted"] or 0) for r in rows)
    return {
        "decided": decision is not None,
        "rows": rows,
        "applied": total_applied,
        "granted": total_granted,
        "saved": total_applied - total_granted,
        "over_granted": max(total_granted - total_applied, 0),
    }


def case_overview(*, application: Application) -> dict:
    """What the case page shows beside the application itself."""
    basis = getattr(application, "assessment_basis", None)
    decision = getattr(application, "decision", None)
    visit = current_visit(application=application)
    return {
        "visit": visit,
        "goals": list(application.goals.select_related("life_area")),
        "related_factors": list(visit.related_factors.select_related("factor")) if visit else [],
        "basis": basis,
        "decision": decision,
        "comparison": applied_vs_granted(application=application),
    }


def case_facts_for(
    applications: QuerySet[Application], *, today: datetime.date | None = None
) -> dict[int, workflow.CaseFacts]:
    """The workflow's facts of each application, by id, in a fixed number of queries
    whatever the number of applications: this app's records here, the records of later apps
    (track, handover, follow-ups, closure) from the providers registered in
    ``extension_points.case_facts``, each of which reads all the applications at once."""
    today = today or timezone.localdate()
    ids = applications.values("pk")
    facts: dict[int, dict] = {
        pk: {"status": status, "today": today, "received_on": received_on}
        for pk, status, received_on in applications.values_list("pk", "status", "received_on")
    }
    visits: dict[int, list] = {}
    for application_id, *row in (
        JointVisit.objects.filter(application__in=ids)
        .exclude(status=JointVisit.Status.CANCELLED)
        .order_by("application_id", "-scheduled_at")
        .values_list("application_id", "status", "scheduled_at", "potential_for_independence")
    ):
        visits.setdefault(application_id, []).append(row)
    for pk, rows in visits.items():
        # The visit that counts: the latest completed one, else the latest booked one.
        done = [row for row in rows if row[0] == JointVisit.Status.DONE]
        booked = [row for row in rows if row[0] == JointVisit.Status.BOOKED]
        counted = done[0] if done else booked[0] if booked else None
        facts[pk].update(
            visit_booked=bool(booked),
            visit_done=bool(done),
            visit_on=timezone.localdate(counted[1]) if counted else None,
            potential_for_independence=done[0][2] if done else None,
        )
    for pk, handed_over_at in AssessmentBasis.objects.filter(application__in=ids).values_list(
        "application_id", "handed_over_at"
    ):
        facts[pk].update(basis_written=True, basis_handed_over=handed_over_at is not None)
        if handed_over_at is not None:
            facts[pk]["handed_over_on"] = timezone.localdate(handed_over_at)
    for pk, decided_on, urgent_reason in Decision.objects.filter(application__in=ids).values_list(
        "application_id", "decided_on", "urgent_reason"
    ):
        facts[pk].update(decided_on=decided_on, urgent_decision=bool(urgent_reason.strip()))
    for provider in extension_points.case_facts:
        for pk, contributed in provider(ids).items():
            facts[pk].update(contributed)
    return {pk: workflow.CaseFacts(**values) for pk, values in facts.items()}


def case_facts(application: Application) -> workflow.CaseFacts:
    """What the workflow needs to know of one case (see ``case_facts_for``)."""
    return case_facts_for(Application.objects.filter(pk=application.pk))[application.pk]


# What happened to a record, by django-simple-history's history type.
HISTORY_KINDS = {"+": _lazy("created"), "~": _lazy("changed"), "-": _lazy("removed")}
# Fields the change history leaves out: bookkeeping, and the records a row belongs to.
HISTORY_SKIPPED_FIELDS = {"id", "version", "created_at", "updated_at", "application", "citizen"}


def _history_value(field, value, related: dict) -> str:
    """A field's value as a person reads it: choice labels, Ja/Nej, names, ISO dates."""
    if value is None or value == "":
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        return str(related.get((field.related_model, value), value))
    if isinstance(field, BooleanField):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, list):
        return "; ".join(_(str(item)) for item in value)
    return str(value)


def _history_change(field, before, after, related: dict) -> dict:
    return {
        "field": field.verbose_name,
        "old": _history_value(field, getattr(before, field.attname), related),
        "new": _history_value(field, getattr(after, field.attname), related),
    }


def _history_fields(record) -> list:
    return [
        field
        for field in record.instance._meta.concrete_fields
        if field.name not in HISTORY_SKIPPED_FIELDS and field.editable
    ]


def _previous_records(records: list) -> dict:
    """Each history row's previous version of the same record, by ``history_id``.

    Worked out here, in order of time and then of saving, rather than by each row's
    ``prev_record``: that asks the database once a row, and rows saved within the same
    instant (one service saving a record twice) would both be compared with the version
    before them, so one change would be listed twice."""
    by_record: dict = {}
    for record in records:
        by_record.setdefault((record.instance._meta.label, record.id), []).append(record)
    previous = {}
    for versions in by_record.values():
        versions.sort(key=lambda version: (version.history_date, version.history_id))
        for before, after in zip(versions, versions[1:], strict=False):
            previous[(after.instance._meta.label, after.history_id)] = before
    return previous


def change_history(*, application: Application) -> list[dict]:
    """Who changed what in the case, newest first, in words: each saved version of the
    application, its joint visits, basis and decision, and the records of later apps
    (their track, interventions) contributed through ``extension_points.case_history``.

    A change lists the fields that changed, before and after; a save that changed nothing
    shown (only bookkeeping fields) is left out; a new record lists what it was saved
    with; a removed one says so and why. Values read as the pages show them: status and
    other choice labels, Ja/Nej, people's full names, service names, dates as YYYY-MM-DD;
    fields naming the citizen or the case itself are left out. A fixed number of queries,
    however many visits and versions the case has.
    """
    records = list(application.history.select_related("history_user"))
    for model in (JointVisit, AssessmentBasis, Decision):
        records.extend(
            model.history.filter(application_id=application.pk).select_related("history_user")
        )
    for provider in extension_points.case_history:
        records.extend(provider(application))
    # Every related row the values name, one query per related model.
    wanted: dict = {}
    for record in records:
        for field in _history_fields(record):
            if field.is_relation:
                value = getattr(record, field.attname)
                if value is not None:
                    wanted.setdefault(field.related_model, set()).add(value)
    related = {
        (model, pk): obj
        for model, pks in wanted.items()
        for pk, obj in model._default_manager.in_bulk(pks).items()
    }
    previous = _previous_records(records)
    entries = []
    for record in records:
        fields = _history_fields(record)
        changes = []
        before = previous.get((record.instance._meta.label, record.history_id))
        if record.history_type == "~" and before is not None:
            changes = [
                _history_change(field, before, record, related)
                for field in fields
                if getattr(before, field.attname) != getattr(record, field.attname)
            ]
            if not changes and not record.history_change_reason:
                continue
        elif record.history_type == "+":
            changes = [
                {"field": field.verbose_name, "old": "", "new": text}
                for field in fields
                if (text := _history_value(field, getattr(record, field.attname), related))
            ]
        entries.append(
            {
                "when": record.history_date,
                "order": record.history_id,
                "who": record.history_user,
                "what": record.instance._meta.verbose_name,
                "kind": HISTORY_KINDS.get(record.history_type, record.history_type),
                "created": record.history_type == "+",
                "removed": record.history_type == "-",
                "reason": record.history_change_reason or "",
                "changes": changes,
            }
        )
    return sorted(entries, key=lambda entry: (entry["when"], entry["order"]), reverse=True)


# --- Protected identity: setting and lifting it, and grants to see the name ---------------

CASE_ROLE_NAMES = [Role.CASE_OFFICER.value, Role.THERAPIST.value, Role.PHYSIO.value]


def team_citizen(*, user: User, public_id) -> Citizen:
    """A citizen of the user's own team, for the protection and grant pages (their
    permissions decide who may act there); ``Citizen.DoesNotExist`` otherwise."""
    if not user.team_id:
        raise Citizen.DoesNotExist
    return with_name_visibility(Citizen.objects.filter(team_id=user.team_id), user).get(
        public_id=public_id
    )


def protected_citizens(*, team_id: int | None) -> list[Citizen]:
    """The team's protected citizens with their cases and grants, in three queries."""
    if not team_id:
        return []
    return list(
        Citizen.objects.filter(team_id=team_id, protected_identity=True)
        .prefetch_related(
            Prefetch("applications", queryset=Application.objects.order_by("-received_on")),
            Prefetch(
                "grants",
                queryset=ProtectedIdentityGrant.objects.select_related(
                    "user", "granted_by"
                ).order_by("granted_at", "pk"),
            ),
        )
        .order_by("created_at", "pk")
    )


def identity_grants(*, citizen: Citizen) -> list[ProtectedIdentityGrant]:
    return list(citizen.grants.select_related("user", "granted_by").order_by("granted_at", "pk"))


def grantable_staff(*, citizen: Citizen) -> QuerySet[User]:
    """The active members of the citizen's team who work on cases and hold no grant yet."""
    return (
        User.objects.filter(
            team_id=citizen.team_id, is_active=True, groups__name__in=CASE_ROLE_NAMES
        )
        .exclude(pk__in=citizen.grants.values("user"))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def cases_of(*, citizen: Citizen) -> list[Application]:
    """All of a citizen's cases, newest first (for the pages that name no case worker)."""
    return list(citizen.applications.order_by("-received_on", "-pk"))
