"""Reads for the follow-up pages."""

from assessments.models import Application, ServiceType


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
