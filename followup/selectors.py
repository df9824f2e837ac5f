"""Reads for the follow-up pages."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import scoring
from assessments.models import Application, InstrumentResult, ServiceType
from assessments.selectors import applications_visible_to, name_granted
from rehab.models import User

from .models import CaseClosure, FollowUp

# "Kommande": the follow-ups falling due within this many days.
COMING_DAYS = 30


@dataclass(frozen=True)
class ServiceNow:
    """A service at the start of a follow-up: applied for, granted by the decision, or both."""

    service: ServiceType
    applied_minutes: int | None
    granted: bool
    granted_minutes: int | None


def services_now(*, application: Application) -> list[ServiceNow]:
    """Each service applied for or granted, with what the decision granted (the starting
    point of a follow-up: the granted services are ticked and their minutes filled in)."""
    applied = {row.service_id: row for row in application.applied_services.all()}
    decision = getattr(application, "decision", None)
    granted = {}
    if decision is not None:
        granted = {row.service_id: row for row in decision.granted_services.all()}
    services = {row.service_id: row.service for row in (*applied.values(), *granted.values())}
    ordered = sorted(services.values(), key=lambda service: (service.sort_order, service.name))
    return [
        ServiceNow(
            service=service,
            applied_minutes=applied[service.pk].minutes_per_week if service.pk in applied else None,
            granted=service.pk in granted,
            granted_minutes=granted[service.pk].minutes_per_week if service.pk in granted else None,
        )
        for service in ordered
    ]


@dataclass(frozen=True)
class InstrumentToRepeat:
    """An instrument the follow-up repeats, with the result at the assessment (if any)."""

    spec: scoring.InstrumentSpec
    at_assessment: InstrumentResult | None


def instruments_to_repeat(*, application: Application) -> list[InstrumentToRepeat]:
    """Every instrument recorded at the assessment, latest result each, in the registry's
    order; EQ-5D-5L always (it is the follow-up's own outcome measure)."""
    latest: dict[str, InstrumentResult] = {}
    for result in application.instrument_results.filter(
        occasion=InstrumentResult.Occasion.ASSESSMENT
    ).order_by("recorded_at", "pk"):
        latest[result.instrument] = result
    return [
        InstrumentToRepeat(spec, latest.get(code))
        for code, spec in scoring.INSTRUMENTS.items()
        if code in latest or code == scoring.EQ5D5L
    ]


def workflow_facts(application_ids) -> dict[int, dict]:
    """The facts of the follow-up stage that the case's workflow reads, by application id
    (registered in ``followup.apps`` into ``assessments.extension_points.case_facts``)."""
    facts: dict[int, dict] = {}
    for pk, due in (
        FollowUp.objects.filter(application__in=application_ids, status=FollowUp.Status.DUE)
        .values("application_id")
        .annotate(due=Count("pk"))
        .values_list("application_id", "due")
    ):
        facts.setdefault(pk, {})["follow_ups_due"] = due
    for pk in CaseClosure.objects.filter(application__in=application_ids).values_list(
        "application_id", flat=True
    ):
        facts.setdefault(pk, {})["closure_recorded"] = True
    return facts


def next_follow_up(*, application: Application) -> FollowUp | None:
    """The earliest follow-up of the case not yet done."""
    return (
        FollowUp.objects.filter(application=application)
        .exclude(status=FollowUp.Status.DONE)
        .order_by("due_on", "months")
        .first()
    )


def when_in_words(item: FollowUp, today: datetime.date) -> str:
    """How the follow-up stands against its date, in words (not colour only):
    "förfallen sedan 12 dagar", "förfaller i dag", "förfaller om 5 dagar", "utförd …"."""
    if item.status == FollowUp.Status.DONE:
        if item.done_on is None:
            return _("done")
        return _("done on %(day)s") % {"day": f"{item.done_on:%Y-%m-%d}"}
    days = (item.due_on - today).days
    if days < -1:
        return _("overdue by %(days)d days") % {"days": -days}
    if days == -1:
        return _("overdue by 1 day")
    if days == 0:
        return _("due today")
    if days == 1:
        return _("due in 1 day")
    return _("due in %(days)d days") % {"days": days}


def is_overdue(item: FollowUp, today: datetime.date) -> bool:
    return item.status != FollowUp.Status.DONE and item.due_on < today


def case_section(request, application: Application) -> dict | None:
    """The follow-ups on the case page, each with where it stands in words; every one
    links to its form for those who may record it (one not yet due can be recorded early,
    with a reason)."""
    follow_ups = list(FollowUp.objects.filter(application=application).order_by("months"))
    if not follow_ups:
        return None
    today = timezone.localdate()
    may_record = request.user.has_perm("followup.record_follow_up", application)
    for item in follow_ups:
        item.can_open = may_record
        item.when = when_in_words(item, today)
        item.overdue = is_overdue(item, today)
    return {"application": application, "follow_ups": follow_ups}


def follow_ups_of(*, user: User) -> QuerySet[FollowUp]:
    """The follow-ups not yet done of the open cases the user handles, within the cases
    the user may see (as the work queue's "my applications"), with the citizen and whether
    the user may see a protected name, in one query."""
    cases = (
        applications_visible_to(user)
        .filter(case_officer=user)
        .exclude(status=Application.Status.CLOSED)
    )
    return (
        FollowUp.objects.filter(application__in=cases)
        .exclude(status=FollowUp.Status.DONE)
        .select_related("application__citizen")
        .annotate(name_granted=name_granted(user, "application__citizen"))
        .order_by("due_on", "pk")
    )


def my_follow_ups(*, user: User, today: datetime.date | None = None) -> dict[str, list]:
    """The case officer's follow-ups in three groups, earliest first: "overdue" (the due
    date has passed), "due" (due today) and "coming" (due within ``COMING_DAYS`` days).
    One query, however many follow-ups there are."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=COMING_DAYS)
    groups: dict[str, list] = {"overdue": [], "due": [], "coming": []}
    for item in follow_ups_of(user=user).filter(due_on__lte=horizon):
        item.when = when_in_words(item, today)
        if item.due_on < today:
            groups["overdue"].append(item)
        elif item.due_on == today:
            groups["due"].append(item)
        else:
            groups["coming"].append(item)
    return groups


def increase_state(increase, today: datetime.date) -> str:
    """Where a temporary increase stands on ``today``, in words: coming, ongoing or ended."""
    if today < increase.starts_on:
        return _("coming")
    if today <= increase.ends_on:
        return _("ongoing")
    return _("ended")


def temporary_increases_section(request, application: Application) -> dict | None:
    """The case's temporary increases on the case page: service, extra minutes, period,
    reason and whether ongoing or ended (one query); left out when there are none."""
    from .models import TemporaryIncrease

    increases = list(
        TemporaryIncrease.objects.filter(application=application)
        .select_related("service")
        .order_by("-starts_on", "-pk")
    )
    if not increases:
        return None
    today = timezone.localdate()
    for increase in increases:
        increase.state = increase_state(increase, today)
        increase.ongoing = increase.starts_on <= today <= increase.ends_on
    return {"application": application, "increases": increases}


def increasable_services(*, application: Application) -> QuerySet[ServiceType]:
    """The services a temporary increase can add to: those the decision granted (not
    refused) that are measured in minutes."""
    from assessments.models import GrantedService

    granted = (
        GrantedService.objects.filter(decision__application=application)
        .exclude(outcome=GrantedService.Outcome.REFUSED)
        .values("service_id")
    )
    return ServiceType.objects.filter(has_minutes=True, pk__in=granted).order_by(
        "sort_order", "name"
    )
