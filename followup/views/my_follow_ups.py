"""The case officer's follow-ups: overdue, due today and coming within 30 days."""

from django.shortcuts import render

from assessments.display import citizen_display_name
from followup import selectors
from rehab.accesslog import log_access
from rehab.models import AccessLogEntry
from rehab.permissions import permission_required


@permission_required("followup.view_my_follow_ups")
def my_follow_ups(request):
    groups = selectors.my_follow_ups(user=request.user)
    rows = [item for items in groups.values() for item in items]
    for item in rows:
        item.display_name = citizen_display_name(item.application.citizen, item.name_granted)
    # The list names citizens: the listing is logged as the work queue's is.
    log_access(
        request,
        [item.application.citizen.public_id for item in rows],
        AccessLogEntry.Action.LIST,
    )
    return render(
        request,
        "followup/my_follow_ups.html",
        {"groups": groups, "coming_days": selectors.COMING_DAYS},
    )
