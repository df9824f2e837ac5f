"""Choosing a case as a positive example of the follow-up reports."""

from django.contrib import messages
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
    """The case officer chooses the case as a positive example for the follow-up reports."""
    application = request.permission_object
    current = getattr(application, "positive_example", None)
    form = PositiveExampleForm(
        request.POST or None, initial={"description": current.description if current else ""}
    )
    if request.method == "POST" and form.is_valid():
        services.positive_example_save(
            application=application,
            actor=request.user,
            description=form.cleaned_data["description"],
        )
        log_access(request, [application.citizen.public_id], AccessLogEntry.Action.UPDATE)
        messages.success(request, _("The positive example was saved."))
        return redirect("assessments:application_detail", application.public_id)
    return case_page(request, "followup/positive_example.html", application, form=form)
