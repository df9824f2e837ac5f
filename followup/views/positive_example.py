"""Choosing a case as a positive example of the follow-up reports."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from assessments.views.common import application_from_url, case_page
from followup import services
from followup.forms.positive_example import PositiveExampleForm
from rehab.accesslog import log_access
from rehab.models import AccessLogEntry
from rehab.permissions import permission_required


@permission_required("followup.choose_example", fn=application_from_url)
def positive_example(request, public_id):
    """The case officer chooses the case as a positive example for the follow-up reports.

    The save states the version the page was opened on: a colleague's save in between is
    refused (shown at the top of the form) instead of being overwritten."""
    application = request.permission_object
    current = getattr(application, "positive_example", None)
    form = PositiveExampleForm(
        request.POST or None,
        initial={
            "description": current.description if current else "",
            "version": current.version if current else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.positive_example_save(
                application=application,
                actor=request.user,
                description=form.cleaned_data["description"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            # A ConflictError (a stale save) goes to the top of the form, the rest by field.
            form.add_error(None, error)
        else:
            log_access(request, [application.citizen.public_id], AccessLogEntry.Action.UPDATE)
            messages.success(request, _("The positive example was saved."))
            return redirect("assessments:application_detail", application.public_id)
    return case_page(request, "followup/positive_example.html", application, form=form)
