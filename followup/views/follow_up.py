"""Recording a due follow-up of a case."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from assessments.views.common import add_form_errors, application_from_url, case_page
from followup import selectors, services
from followup.forms.follow_up import FollowUpForm
from rehab.accesslog import log_access
from rehab.models import AccessLogEntry
from rehab.permissions import permission_required


@permission_required("followup.record_follow_up", fn=application_from_url)
def follow_up(request, public_id, months):
    """The case officer records a due follow-up: services and level now, goals, EQ-5D."""
    application = request.permission_object
    item = get_object_or_404(application.follow_ups, months=months)
    form = FollowUpForm(
        request.POST or None,
        services_now=selectors.services_now(application=application),
        goals=list(application.goals.all()),
        initial={"version": item.version, "level_now": item.level_now, "notes": item.notes},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_record(
                follow_up=item,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                services=form.services(),
                level_now=form.cleaned_data["level_now"],
                attainments=form.attainments(),
                notes=form.cleaned_data["notes"],
                eq5d=form.eq5d(),
                close_reason=form.cleaned_data["close_reason"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            log_access(request, [application.citizen.public_id], AccessLogEntry.Action.UPDATE)
            messages.success(request, _("The follow-up was recorded."))
            return redirect("assessments:application_detail", application.public_id)
    return case_page(
        request, "followup/follow_up_form.html", application, form=form, follow_up=item
    )
