"""The demo's cases, walked through the same services as the pages walk them.

Each case follows its plan (``assessments.demo_data.plan_case``): the application is
registered, the joint visit booked and recorded, the track confirmed and interventions
added (or the handover recorded), the assessment basis handed over, the decision recorded
and the follow-ups recorded, up to the status the plan ends in. The services stamp the day
they run (a basis is handed over "now", a follow-up is done "today"), so each step runs
with the clock set to the step's day (``on_day``): every stamp and every line of the change
history falls on the day the plan gives, and the dates run in order. The daily job is run
at the end (``manage.py mark_follow_ups_due``) so that follow-ups past their day show as
due.
"""

import contextlib
import datetime
import time
from decimal import Decimal
from unittest import mock

from django.db import transaction
from django.utils import timezone

from assessments import demo_data
from assessments import services as assessment_services
from assessments.demo_data import CasePlan, GenerationResult
from assessments.models import Application, AppliedService, Citizen, JointVisit, LifeArea
from rehab.roles import Role
from tracks import selectors as track_selectors
from tracks import services as track_services
from tracks.models import Handover

from . import calc, services
from .calc import round_half_away
from .models import FollowUp
from .performed_import import performed_minutes_save

EARLY_REASON = "Den enskilde hörde av sig före uppföljningsdagen."


@contextlib.contextmanager
def on_day(moment: datetime.datetime):
    """Run the services as if it were ``moment`` (``timezone.now`` and ``localdate``)."""
    with mock.patch.object(timezone, "now", return_value=moment):
        yield


def _version(application: Application) -> int:
    return Application.objects.values_list("version", flat=True).get(pk=application.pk)


def walk_case(spec: Application, applied: list[AppliedService], plan: CasePlan) -> Application:
    """Register ``spec`` (an unsaved application from the demo builder) and take it through
    the services to the status its plan ends in."""
    at = demo_data.at
    officer, therapist = spec.case_officer, spec.therapist
    with on_day(at(plan.received_on, 8)):
        application = assessment_services.application_create(
            citizen=spec.citizen,
            received_on=plan.received_on,
            channel=spec.channel,
            case_officer=officer,
            services=[
                assessment_services.ServiceRequest(row.service, row.minutes_per_week)
                for row in applied
            ],
            kind=spec.kind,
            after_inpatient_stay=spec.after_inpatient_stay,
            existing_services=spec.existing_services,
        )
    if plan.visit_at is None or plan.booked_on is None or therapist is None:
        return application
    with on_day(at(plan.booked_on, 8, 15)):
        visit = assessment_services.joint_visit_book(
            application=application,
            scheduled_at=plan.visit_at,
            case_officer=officer,
            therapist=therapist,
            expected_version=_version(application),
        )
    if not plan.visit_done:
        return application
    visit_day = timezone.localdate(plan.visit_at)
    measures = _Measures(plan)
    with on_day(at(visit_day, 15)):
        visit = JointVisit.objects.get(pk=visit.pk)
        assessment_services.joint_visit_record(
            visit=visit,
            expected_version=visit.version,
            actor=therapist,
            goals=measures.goals(),
            needs={},
            complete=True,
            potential_for_independence=plan.potential,
            motivated_to_train=plan.motivated,
            potential_reasoning=(
                "Vill och kan träna förflyttning och dusch."
                if plan.potential
                else "Behoven är varaktiga; ingen potential till självständighet."
            ),
            housing="Lägenhet, hiss",
        )
        for instrument, answers in measures.at_visit().items():
            assessment_services.instrument_record(
                application=application, instrument=instrument, answers=answers, actor=therapist
            )
    application.refresh_from_db()
    if plan.confirmed_on is not None:
        _track(application, therapist, plan)
    if plan.left_tracks_on is None:
        return application
    with on_day(at(plan.left_tracks_on, 16)):
        if plan.handed_over:
            track_services.handover_record(
                application=application,
                actor=therapist,
                recipient=Handover.Recipient.HOME_HEALTH_CARE,
                recipient_detail="",
                handed_over_on=plan.left_tracks_on,
                summary="Ingen potential till självständighet; hemsjukvården tar över.",
            )
        else:
            assessment_services.assessment_basis_save(
                application=application,
                actor=therapist,
                summary="Sammanfattning av bedömningen i spåret",
                recommended_measures="Fortsatt träning i vardagen",
                expected_version=None,
                hand_over=True,
            )
    if plan.decided_on is None:
        return application
    lines = []
    for row in applied:
        outcome, minutes, reason = demo_data.decision_line(
            row.service,
            row.minutes_per_week,
            demo_data.granted_minutes(row.minutes_per_week, plan.granted_percent),
        )
        lines.append(assessment_services.ServiceDecision(row.service, outcome, minutes, reason))
    with on_day(at(plan.decided_on, 16, 30)):
        assessment_services.decision_record(
            application=application,
            actor=officer,
            decided_on=plan.decided_on,
            granted=lines,
            legal_basis=demo_data.default_legal_basis(),
            level_before=measures.level_before,
            level_after=measures.level_after,
        )
    _temporary_increase(application, officer, lines, plan)
    services_now = [
        assessment_services.ServiceRequest(line.service, line.minutes_per_week) for line in lines
    ]
    for months, day in sorted(plan.follow_ups_done.items()):
        with on_day(at(day, 10)):
            follow_up = FollowUp.objects.get(application=application, months=months)
            if follow_up.due_on <= day:
                services.mark_follow_ups_due(today=day)
                follow_up.refresh_from_db()
            closing = plan.close_reason and months == max(plan.follow_ups_done)
            services.follow_up_record(
                follow_up=follow_up,
                actor=officer,
                expected_version=follow_up.version,
                services=services_now,
                notes="Uppföljning per telefon med den enskilde.",
                instruments=measures.at_follow_up(months),
                level_now=measures.level_at(months),
                attainments=measures.attainments(application, months),
                close_reason=plan.close_reason if closing else "",
                early_reason=EARLY_REASON if day < follow_up.due_on else "",
            )
    _performed_minutes(application, lines, plan)
    application.refresh_from_db()
    return application


class _Measures(demo_data.CaseMeasures):
    """The case's measures (``assessments.demo_data.CaseMeasures``) as the services take
    them: goals in their IBIC life areas, attainments by goal."""

    def goals(self) -> list:
        chosen = self.goal_choices()
        areas = {
            area.code: area for area in LifeArea.objects.filter(code__in=[c for _, c in chosen])
        }
        return [assessment_services.GoalInput(text, areas.get(code)) for text, code in chosen]

    def attainments(self, application: Application, months: int) -> dict[int, str]:
        goals = list(application.goals.order_by("pk").values_list("pk", flat=True))
        return dict(zip(goals, self.attainment_choices(len(goals)), strict=True))


INCREASE_REASON = "Efter sjukhusvistelse"
INCREASE_MINUTES = 60
# The increase starts two weeks after the decision and lasts four weeks.
INCREASE_AFTER_DAYS = 14
INCREASE_DAYS = 28


def _temporary_increase(application: Application, officer, lines, plan: CasePlan) -> None:
    """Every ninth decided case, by its decision day (not by the plan's random generator,
    so that the seed gives the same cases as before), gets a temporary increase of its
    first granted service with minutes: +60 minutes a week for four weeks after a hospital
    stay, starting two weeks after the decision, when that day has come and is before the
    case's first follow-up."""
    if plan.decided_on.toordinal() % 9:
        return
    starts_on = plan.decided_on + datetime.timedelta(days=INCREASE_AFTER_DAYS)
    if starts_on > timezone.localdate() or any(
        day <= starts_on for day in plan.follow_ups_done.values()
    ):
        return
    granted = [line for line in lines if line.service.has_minutes and line.minutes_per_week]
    if not granted:
        return
    with on_day(demo_data.at(starts_on, 9)):
        services.temporary_increase_record(
            application=application,
            service=granted[0].service,
            extra_minutes_per_week=INCREASE_MINUTES,
            starts_on=starts_on,
            ends_on=starts_on + datetime.timedelta(days=INCREASE_DAYS - 1),
            reason=INCREASE_REASON,
            actor=officer,
        )


def _performed_minutes(application: Application, lines, plan: CasePlan) -> None:
    """The provider's performed minutes of a decided case, as the manager imports them: the
    provider's last three monthly exports (the three months before this one), for each
    month the case's grant was in effect the whole month (decided before it began, not
    closed before it ended). The provider performed all of the granted time in the first
    two of those months and four fifths of it in the third; in every third case four fifths
    throughout."""
    this_month = timezone.localdate().replace(day=1)
    reported: list[datetime.date] = []
    month = this_month
    for _ in range(3):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        reported.insert(0, month)
    closed_on = (
        max(plan.follow_ups_done.values()) if plan.close_reason and plan.follow_ups_done else None
    )

    def in_effect(first: datetime.date) -> bool:
        last = calc.month_end(first)
        return plan.decided_on < first and (closed_on is None or closed_on > last)

    months = [month for month in reported if in_effect(month)]
    granted = [line for line in lines if line.service.has_minutes and line.minutes_per_week]
    if not months or not granted:
        return
    manager = application.team.members.filter(groups__name=Role.MANAGER.value).first()
    for month in months:
        third = month == reported[-1]
        share = Decimal("0.8") if third or application.pk % 3 == 0 else Decimal(1)
        days = calc.next_month(month) - month
        for line in granted:
            minutes = Decimal(line.minutes_per_week) * days.days / 7 * share
            performed_minutes_save(
                citizen=application.citizen,
                service=line.service,
                month=month,
                minutes=int(round_half_away(minutes)),
                actor=manager or application.case_officer,
                source_file="utford-tid-demo.xlsx",
            )


def _track(application: Application, therapist, plan: CasePlan) -> None:
    assert plan.confirmed_on is not None  # noqa: S101 - checked by the caller
    with on_day(demo_data.at(plan.confirmed_on, 16, 15)):
        proposal = track_selectors.proposal_from(
            application, track_selectors.latest_done_visit(application)
        )
        track_services.track_confirm(
            application=application,
            actor=therapist,
            track=proposal.track,
            expected_version=_version(application),
        )
    for day, minutes, kind in plan.interventions:
        with on_day(demo_data.at(day, 16, 45)):
            track_services.intervention_add(
                application=application,
                actor=therapist,
                performed_on=day,
                minutes=minutes,
                kind=kind,
            )


def generate_through_services(
    *, citizens: int, seed: int, today: datetime.date | None = None
) -> GenerationResult:
    """``citizens`` fictional citizens, each case walked through the services; the same
    seed gives the same people, plans and statuses."""
    started = time.perf_counter()
    builder = demo_data.make_builder(seed=seed, today=today)
    counts = {"applications": 0, "services": 0, "visits": 0}
    with transaction.atomic():
        people = [builder.citizen() for _ in range(citizens)]
        Citizen.objects.bulk_create(people)
        demo_data._fill_missing_pks(Citizen, people)
        for citizen in people:
            for spec, plan in builder.cases(citizen):
                applied = builder.applied_services(spec)
                walk_case(spec, applied, plan)
                counts["applications"] += 1
                counts["services"] += len(applied)
                counts["visits"] += plan.visit_at is not None
    return GenerationResult(citizens=citizens, **counts, seconds=time.perf_counter() - started)
