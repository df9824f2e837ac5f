"""The start pages of the case officer (the work queue) and of the therapists (my visits)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig
from django_tables2.rows import BoundRow

from rehab.accesslog import log_access
from rehab.models import AccessLogEntry
from rehab.paging import IdCursor, keyset_page
from rehab.permissions import permission_required

from .. import selectors
from ..filters import WorkQueueFilter
from ..identity import looks_like_identity_number
from ..tables import WorkQueueTable

Action = AccessLogEntry.Action
PER_PAGE = 25
# The queue counts its cases no further than this ("more than 1 000").
COUNT_LIMIT = 1000
# The sorts by a name of another table (the citizen's, the therapist's, the case officer's).
JOINED_SORTS = {"citizen", "therapist", "case_officer"}


@permission_required("assessments.view_work_queue")
def work_queue(request):
    if looks_like_identity_number(request.GET.get("q", "")):
        # The queue's filters live in the URL; a number typed into the name filter must not
        # stay there (browser history, bookmarks). Drop it and point to the citizen search.
        query = request.GET.copy()
        del query["q"]
        messages.warning(
            request,
            _(
                "Search for personal identity numbers on the citizen search page, not in the "
                "queue's name filter."
            ),
        )
        return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)
    queue = selectors.work_queue_for(user=request.user)
    filterset = WorkQueueFilter(request.GET or None, queryset=queue, request=request)
    table = WorkQueueTable(filterset.qs)
    RequestConfig(request, paginate=False).configure(table)  # the sort asked for
    # Next / previous from the last case seen, not page numbers: counting and skipping
    # every open case of a large team grows with the team (ADR 0015). The cursor is the
    # case's id; the sort values are read from the queue itself, so no name is in the URL.
    sort = request.GET.get("sort", "")
    page = keyset_page(
        table.data.data,
        per_page=PER_PAGE,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        cursor=IdCursor(source=queue, tag=sort),
        count_limit=COUNT_LIMIT,
        ids_first=sort.lstrip("-") in JOINED_SORTS,
    )
    table.page = page
    page.object_list = [BoundRow(record, table=table) for record in page.object_list]
    log_access(request, [row.record.citizen.public_id for row in page], Action.LIST)
    counts = selectors.work_queue_counts(user=request.user)
    return render(
        request,
        "assessments/work_queue.html",
        {"filter": filterset, "table": table, "counts": counts, "page": page},
    )


@permission_required("assessments.view_my_visits")
def my_visits(request):
    visits = selectors.visits_for(user=request.user)
    page = keyset_page(
        visits,
        per_page=PER_PAGE,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        cursor=IdCursor(),
        count_limit=COUNT_LIMIT,
    )
    log_access(request, [visit.application.citizen.public_id for visit in page], Action.LIST)
    return render(request, "assessments/my_visits.html", {"page": page, "now": timezone.now()})
