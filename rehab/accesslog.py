"""Writing the access log. Views call these for every citizen they show or change."""

from collections.abc import Iterable
from uuid import UUID

from .client_address import client_ip
from .models import AccessLogEntry
from .roles import roles_of


def log_access(request, citizen_refs: Iterable[UUID], action: str) -> None:
    """One row per citizen, written in one statement whatever the number of citizens."""
    refs = list(dict.fromkeys(citizen_refs))
    if not refs:
        return
    roles = ",".join(role.value for role in roles_of(request.user))
    view = request.resolver_match.view_name if request.resolver_match else request.path[:100]
    address = client_ip(request)
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            user=request.user,
            roles=roles,
            citizen_ref=ref,
            action=action,
            view=view,
            ip_address=address,
        )
        for ref in refs
    )
