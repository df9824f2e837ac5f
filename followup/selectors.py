"""Reads for the follow-up pages."""

from assessments.models import Application, ServiceType

from .models import CaseClosure, FollowUp


def services_now(*, application: Application) -> list[tuple[ServiceType, int | None]]:
    """Each applied service with the minutes granted (the starting point of a follow-up)."""
    decision = getattr(application, "decision", None)
    granted = {}
    if decision is not None:
        granted = {row.service_id: row.minutes_per_week for row in decision.granted_services.all()}
    return [
        (row.service, granted.get(row.service_id, 0 if row.service.has_minutes else None))
        for row in application.applied_services.all()
    ]


def workflow_facts(application: Application) -> dict:
    """The facts of the follow-up stage that the case's workflow reads (registered in
    ``followup.apps`` into ``assessments.extension_points.case_facts``)."""
    return {
        "follow_ups_due": FollowUp.objects.filter(
            application=application, status=FollowUp.Status.DUE
        ).count(),
        "closure_recorded": CaseClosure.objects.filter(application=application).exists(),
    }


def case_section(request, application: Application) -> dict | None:
    """The follow-ups on the case page; a follow-up that has fallen due (or is done) links
    to its form for those who may record it."""
    follow_ups = list(FollowUp.objects.filter(application=application).order_by("months"))
    if not follow_ups:
        return None
    may_record = request.user.has_perm("followup.record_follow_up", application)
    for item in follow_ups:
        item.can_open = may_record and item.status != FollowUp.Status.SCHEDULED
    return {"application": application, "follow_ups": follow_ups}
