"""Recording a temporary increase (tillfällig utökning) of a service on a decided case."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from assessments.views.common import application_from_url, case_page
from followup import selectors, services
from followup.forms.temporary_increase import TemporaryIncreaseForm
from rehab.accesslog import log_access
from rehab.models import AccessLogEntry
from rehab.permissions import permission_required


@permission_required("followup.record_temporary_increase", fn=application_from_url)
def temporary_increase(request, public_id):
    """The case officer records extra minutes per week of a granted service for a period
    (after a hospital stay, a relative away); the case page lists them."""
    application = request.permission_object
    form = TemporaryIncreaseForm(
        request.POST or None,
        services=selectors.increasable_services(application=application),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.temporary_increase_record(
                application=application,
                service=data["service"],
                extra_minutes_per_week=data["extra_minutes_per_week"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                reason=data["reason"],
                actor=request.user,
            )
        except ValidationError as error:
            # Each refusal next to its field; a case that may not take one, at the top.
            form.add_error(None, error)
        else:
            log_access(request, [application.citizen.public_id], AccessLogEntry.Action.UPDATE)
            messages.success(request, _("The temporary increase was recorded."))
            return redirect("assessments:application_detail", application.public_id)
    return case_page(
        request,
        "followup/temporary_increase_form.html",
        application,
        form=form,
        increases=selectors.temporary_increases_section(request, application),
    )
