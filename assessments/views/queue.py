"""The start pages of the case officer (the work queue) and of the therapists (my visits)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig
from django_tables2.paginators import LazyPaginator

from rehab.accesslog import log_access
from rehab.models import AccessLogEntry
from rehab.permissions import permission_required

from .. import selectors
from ..filters import WorkQueueFilter
from ..identity import looks_like_identity_number
from ..tables import WorkQueueTable

Action = AccessLogEntry.Action


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
    # No page count: counting every open case of a large team is the queue's slowest
    # statement; the lazy paginator only asks whether there is a next page.
    RequestConfig(request, paginate={"per_page": 25, "paginator_class": LazyPaginator}).configure(
        table
    )
    rows = [row.record for row in table.page.object_list] if table.page else []
    log_access(request, [row.citizen.public_id for row in rows], Action.LIST)
    counts = selectors.work_queue_counts(user=request.user)
    return render(
        request,
        "assessments/work_queue.html",
        {"filter": filterset, "table": table, "counts": counts},
    )


@permission_required("assessments.view_my_visits")
def my_visits(request):
    visits = selectors.visits_for(user=request.user)
    page = Paginator(visits, 25).get_page(request.GET.get("page"))
    log_access(request, [visit.application.citizen.public_id for visit in page], Action.LIST)
    return render(request, "assessments/my_visits.html", {"page": page, "now": timezone.now()})
