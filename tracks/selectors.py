"""Every read the track pages need."""

from django.db.models import Count, Q, QuerySet, Sum

from assessments import workflow
from assessments.models import Application, JointVisit
from rehab.models import User
from rehab.roles import Role, roles_of

from .models import Handover, Intervention, TrackAssignment
from .proposal import Proposal, propose_track

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


def workflow_facts(application_ids) -> dict[int, dict]:
    """The facts of the tracks stage that the case's workflow reads, by application id
    (registered in ``tracks.apps`` into ``assessments.extension_points.case_facts``)."""
    facts: dict[int, dict] = {}
    for pk in TrackAssignment.objects.filter(application__in=application_ids).values_list(
        "application_id", flat=True
    ):
        facts.setdefault(pk, {})["track_confirmed"] = True
    for pk, handed_over_on in Handover.objects.filter(application__in=application_ids).values_list(
        "application_id", "handed_over_on"
    ):
        facts.setdefault(pk, {}).update(handover_recorded=True, handed_over_on=handed_over_on)
    return facts


def case_section(request, application: Application) -> dict | None:
    """The track row on the case page, once a track is confirmed."""
    assignment = track_assignment_for(application)
    return {"track": assignment} if assignment else None


def decision_section(request, application: Application) -> dict:
    """The therapist's recommendations beside the decision form: the track and why, the
    interventions and the assistive devices prescribed (registered into
    ``assessments.extension_points.decision_sections``)."""
    interventions = list(interventions_for(application))
    return {
        "track": track_assignment_for(application),
        "interventions": interventions,
        "devices": [i for i in interventions if i.devices_prescribed],
    }


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


def therapist_visit_count(application: Application) -> int:
    return Intervention.objects.filter(application=application, profession=THERAPIST).count()


def therapist_visit_number(intervention: Intervention, *, performed_on) -> int:
    """The number ``intervention`` would have among the case's therapist visits in date
    order (then in the order recorded) if it were dated ``performed_on``."""
    earlier = (
        Intervention.objects.filter(
            application_id=intervention.application_id, profession=THERAPIST
        )
        .exclude(pk=intervention.pk)
        .filter(
            Q(performed_on__lt=performed_on) | Q(performed_on=performed_on, pk__lt=intervention.pk)
        )
    )
    return earlier.count() + 1


def intervention_for(application: Application, intervention_id: int) -> Intervention | None:
    """One intervention of the case (``None`` when the case has no such intervention)."""
    return (
        Intervention.objects.filter(application=application, pk=intervention_id)
        .select_related("performed_by", "application")
        .first()
    )


def change_history_records(application: Application) -> list:
    """The history rows of this app's records of a case, for the case's change history
    (registered into ``assessments.extension_points.case_history``): the track assignment
    and every intervention, removed ones included."""
    records = list(
        TrackAssignment.history.filter(application_id=application.pk).select_related("history_user")
    )
    records.extend(
        Intervention.history.filter(application_id=application.pk).select_related("history_user")
    )
    return records


def basis_document_section(application: Application) -> dict | None:
    """What the assessment basis PDF shows of the tracks stage: the track and why, and the
    interventions with their dates, types, minutes and assistive devices (registered into
    ``assessments.extension_points.basis_document_sections``)."""
    assignment = track_assignment_for(application)
    interventions = list(interventions_for(application))
    if assignment is None and not interventions:
        return None
    return {
        "track": assignment,
        "interventions": interventions,
        "totals": intervention_totals(application),
        "devices": [i for i in interventions if i.devices_prescribed],
    }


def profession_of(user: User, application: Application) -> str | None:
    """The profession an intervention by ``user`` is recorded as: it follows the user's role.

    A user with both roles counts as the therapist on the cases they are the therapist of
    and as the physiotherapist on the others. None for a user with neither role.
    """
    roles = set(roles_of(user))
    is_therapist, is_physio = Role.THERAPIST in roles, Role.PHYSIO in roles
    if is_therapist and (not is_physio or application.therapist_id == user.pk):
        return THERAPIST
    if is_physio:
        return PHYSIO
    return None


def accepts_interventions(application: Application) -> bool:
    """Only a case with a confirmed track that is still in it (or awaits the decision after
    it) takes interventions; a handed-over case never does."""
    return workflow.accepts_interventions(
        workflow.CaseFacts(
            status=application.status,
            track_confirmed=TrackAssignment.objects.filter(application=application).exists(),
        )
    )
