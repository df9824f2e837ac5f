"""Ordering, following and downloading follow-up reports (managers and administrators).

Who may download: only the manager or administrator who ordered the report (rule
``followup.view_report``). The report is pseudonymised, but it is still an export drawn
from citizens' records, so it goes no further than the person who asked for it; a
colleague orders the same report and gets it in a minute. The page lists one's own
reports only, for the same reason.

The access log: a download writes one EXPORT entry per citizen in the report's cohort
(their ``Citizen.public_id``, one bulk insert), so a citizen's log shows every report that
drew on their data. The cohort is worked out again from the stored parameters at download
time; a decision changed after the report was made can make it differ slightly from the
cohort the PDF counted.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from followup.forms.reports import ReportOrderForm
from followup.models import ReportRequest, Tariff
from followup.reports import ordering, selectors
from rehab.accesslog import log_access
from rehab.models import AccessLogEntry
from rehab.permissions import permission_required


def _report_from_url(request, public_id) -> ReportRequest:
    report = selectors.find_report(public_id)
    if report is None:
        raise Http404
    return report


@permission_required("followup.order_report")
def report_order(request):
    form = ReportOrderForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            report = ordering.order_report(user=request.user, **form.report_parameters())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if getattr(report, "enqueued", None) is False:
                messages.warning(
                    request,
                    _(
                        "The report is ordered, but the job service cannot be reached just now. "
                        "The report waits in the list below and is made as soon as the job "
                        "service is back; you do not need to order it again."
                    ),
                )
            else:
                messages.success(request, _("The report is ordered. It appears in the list below."))
            return redirect("followup:report_order")
    return render(
        request,
        "followup/report_order.html",
        {
            "form": form,
            "reports": selectors.reports_for(user=request.user),
            # Without a tariff the report's level model (and its therapist-cost choice) has
            # nothing to compute: say so before the manager orders.
            "has_tariff": Tariff.objects.exists(),
        },
    )


@permission_required("followup.view_report", fn=_report_from_url)
def report_status(request, public_id):
    """The status fragment the order page polls (htmx) while the report is being made."""
    return render(request, "followup/report_status.html", {"report": request.permission_object})


@permission_required("followup.view_report", fn=_report_from_url)
def report_download(request, public_id):
    report = request.permission_object
    if report.status == ReportRequest.Status.EXPIRED:
        # The retention period has passed and the file is deleted: say so, not "not found".
        return render(
            request,
            "followup/report_expired.html",
            {"report": report, "days": settings.SAMREHAB_REPORT_RETENTION_DAYS},
            status=410,
        )
    if report.status != ReportRequest.Status.DONE or not report.file:
        raise Http404
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    log_access(request, selectors.cohort_citizen_refs(report), AccessLogEntry.Action.EXPORT)
    return FileResponse(
        handle,
        content_type="application/pdf",
        as_attachment=True,
        filename=f"uppfoljningsrapport-{report.period_start:%Y-%m-%d}-{report.period_end:%Y-%m-%d}.pdf",
    )
