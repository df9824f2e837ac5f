"""Every read the track pages need."""

from django.db.models import Count, Q, QuerySet, Sum

from assessments.models import Application, JointVisit
from assessments.selectors import with_name_visibility
from rehab.models import User
from rehab.roles import Role, roles_of

from .models import Handover, Intervention, TrackAssignment
from .track_rules import Proposal, propose_track

THERAPIST = Intervention.Profession.THERAPIST
PHYSIO = Intervention.Profession.PHYSIO


def latest_done_visit(application: Application) -> JointVisit | None:
    """The joint visit whose findings count: the latest one that was completed."""
    return (
        application.visits.filter(status=JointVisit.Status.DONE).order_by("-scheduled_at").first()
    )


def proposal_from(application: Application, visit: JointVisit | None) -> Proposal:
    codes = set(application.applied_services.values_list("service__code", flat=True))
    return propose_track(
        applied_service_codes=codes,
        is_review=application.kind == Application.Kind.REVIEW,
        after_inpatient_stay=application.after_inpatient_stay,
        potential_for_independence=visit.potential_for_independence if visit else None,
        motivated_to_train=visit.motivated_to_train if visit else None,
    )


def proposal_for(application: Application) -> Proposal:
    """The track the rules propose from the data as it is now, with the reasons."""
    return proposal_from(application, latest_done_visit(application))


def track_assignment_for(application: Application) -> TrackAssignment | None:
    return TrackAssignment.objects.filter(application=application).first()


def handover_for(application: Application) -> Handover | None:
    return Handover.objects.filter(application=application).select_related("created_by").first()


def interventions_for(application: Application) -> QuerySet[Intervention]:
    return (
        Intervention.objects.filter(application=application)
        .select_related("performed_by")
        .order_by("performed_on", "pk")
    )


def intervention_totals(application: Application) -> dict[str, int]:
    """Visits and minutes per profession, in one aggregate query."""
    totals = Intervention.objects.filter(application=application).aggregate(
        therapist_visits=Count("pk", filter=Q(profession=THERAPIST)),
        therapist_minutes=Sum("minutes", filter=Q(profession=THERAPIST)),
        physio_visits=Count("pk", filter=Q(profession=PHYSIO)),
        physio_minutes=Sum("minutes", filter=Q(profession=PHYSIO)),
        total_minutes=Sum("minutes"),
    )
    return {key: value or 0 for key, value in totals.items()}


def therapist_minutes(application: Application) -> int:
    return intervention_totals(application)["therapist_minutes"]


def therapist_visit_count(application: Application) -> int:
    return Intervention.objects.filter(application=application, profession=THERAPIST).count()


def tracked_application_for_physio(*, user: User, public_id) -> Application:
    """A physio may open the interventions of any case of their own team that is in a track.

    The assessments selectors show physios only the cases they are the assigned therapist
    of; physios are brought in by the therapist, and until that is recorded, the team's
    physios may see and record interventions of the team's tracked cases (see
    ``tracks.rules``). Raises ``Application.DoesNotExist`` otherwise.
    """
    if Role.PHYSIO not in roles_of(user) or not user.team_id:
        raise Application.DoesNotExist
    return (
        with_name_visibility(
            Application.objects.filter(team_id=user.team_id, track_assignment__isnull=False),
            user,
            citizen_path="citizen",
        )
        .select_related("citizen", "case_officer", "therapist", "team")
        .prefetch_related("applied_services__service", "visits__therapist", "visits__case_officer")
        .get(public_id=public_id)
    )
