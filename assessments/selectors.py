"""Every read a view needs; scoping by role happens here, once."""

import datetime

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from rehab.models import User
from rehab.roles import Role, roles_of

from .identity import looks_like_identity_number, parse_identity_number
from .models import Application, Citizen, JointVisit, ProtectedIdentityGrant

OPEN_STATUSES = [s for s in Application.Status if s != Application.Status.CLOSED]


def booking_deadline(today: datetime.date | None = None) -> datetime.date:
    """Applications received before this date without a booked visit are overdue."""
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=settings.SAMREHAB_BOOKING_TARGET_DAYS)


def applications_visible_to(user: User) -> QuerySet[Application]:
    roles = set(roles_of(user))
    scope = Q(pk__in=[])
    if Role.CASE_OFFICER in roles and user.team_id:
        scope |= Q(team_id=user.team_id)
    if roles & {Role.THERAPIST, Role.PHYSIO}:
        scope |= Q(therapist=user)
    return Application.objects.filter(scope)


def citizens_visible_to(user: User) -> QuerySet[Citizen]:
    roles = set(roles_of(user))
    scope = Q(pk__in=[])
    if Role.CASE_OFFICER in roles and user.team_id:
        scope |= Q(team_id=user.team_id)
    if roles & {Role.THERAPIST, Role.PHYSIO}:
        scope |= Q(Exists(Application.objects.filter(citizen=OuterRef("pk"), therapist=user)))
    return Citizen.objects.filter(scope)


def with_name_visibility(queryset: QuerySet, user: User, citizen_path: str = "") -> QuerySet:
    """Annotate ``name_granted``: may this user see a protected citizen's name?"""
    citizen_ref = OuterRef(citizen_path or "pk")
    return queryset.annotate(
        name_granted=Exists(ProtectedIdentityGrant.objects.filter(citizen=citizen_ref, user=user))
    )


def work_queue_for(*, user: User, today: datetime.date | None = None) -> QuerySet[Application]:
    """Open applications the user may see, with everything the queue shows in one query."""
    deadline = booking_deadline(today)
    now = timezone.now()
    queryset = (
        applications_visible_to(user)
        .select_related("citizen", "case_officer", "therapist")
        .annotate(
            next_visit_at=Max(
                "visits__scheduled_at", filter=Q(visits__status=JointVisit.Status.BOOKED)
            ),
            applied_minutes=Sum("applied_services__minutes_per_week"),
            service_count=Count("applied_services", distinct=True),
            name_granted=Exists(
                ProtectedIdentityGrant.objects.filter(citizen=OuterRef("citizen"), user=user)
            ),
        )
        .annotate(
            overdue=Q(status=Application.Status.RECEIVED, received_on__lt=deadline)
            | Q(status=Application.Status.VISIT_BOOKED, next_visit_at__lt=now)
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
        return list(citizens.filter(personal_number=number)[:limit])
    for word in query.split():
        citizens = citizens.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return list(citizens.order_by("last_name", "first_name")[:limit])


def citizen_by_number(number: str) -> Citizen | None:
    """Unscoped existence check, used only to refuse a duplicate registration."""
    return Citizen.objects.filter(personal_number=number).first()


def citizen_detail(*, user: User, public_id) -> Citizen:
    return (
        with_name_visibility(citizens_visible_to(user), user)
        .select_related("team")
        .get(public_id=public_id)
    )


def citizen_applications(*, citizen: Citizen) -> list[Application]:
    return list(
        citizen.applications.select_related("case_officer", "therapist")
        .prefetch_related(
            "applied_services__service",
            Prefetch(
                "visits", queryset=JointVisit.objects.select_related("case_officer", "therapist")
            ),
        )
        .order_by("-received_on", "-pk")
    )


def citizen_timeline(*, citizen: Citizen) -> list[dict]:
    """Applications and visits (later: decisions and follow-ups) in date order, newest first."""
    events = []
    for application in citizen_applications(citizen=citizen):
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
        .select_related("citizen", "case_officer", "therapist", "team")
        .prefetch_related("applied_services__service", "visits__therapist", "visits__case_officer")
        .get(public_id=public_id)
    )


def staff_with_role(role: Role, team_id: int | None = None) -> QuerySet[User]:
    users = User.objects.filter(groups__name=role.value, is_active=True)
    if team_id:
        users = users.filter(team_id=team_id)
    return users.order_by("last_name", "first_name")


def work_queue_counts(*, user: User, today: datetime.date | None = None) -> dict[str, int]:
    """The figures above the queue, in one aggregate query."""
    deadline = booking_deadline(today)
    mine = applications_visible_to(user).filter(case_officer=user, status__in=OPEN_STATUSES)
    return mine.aggregate(
        open=Count("pk"),
        to_book=Count("pk", filter=Q(status=Application.Status.RECEIVED)),
        overdue=Count("pk", filter=Q(status=Application.Status.RECEIVED, received_on__lt=deadline)),
    )


def visits_for(*, user: User) -> QuerySet[JointVisit]:
    """The joint visits a therapist or physio takes part in, the coming ones first."""
    return (
        JointVisit.objects.filter(application__therapist=user)
        .exclude(status=JointVisit.Status.CANCELLED)
        .select_related("application__citizen", "case_officer", "therapist")
        .annotate(
            name_granted=Exists(
                ProtectedIdentityGrant.objects.filter(
                    citizen=OuterRef("application__citizen"), user=user
                )
            )
        )
        .order_by("-scheduled_at")
    )
