"""Standardised instruments of one application: the results so far, and recording one.

The application is loaded scoped to the user (404 when not visible to them). A user whose
roles can never hold the permission gets 403 before anything is loaded, so that, e.g., a
manager learns "not allowed" rather than "no such case".
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from rehab.accesslog import log_access
from rehab.models import AccessLogEntry
from rehab.permissions import permission_required

from .. import scoring, selectors, services
from ..forms.instruments import FORMS
from ..models import InstrumentResult
from .common import add_form_errors, application_from_url, case_page

Action = AccessLogEntry.Action


def _instrument_name(code: str):
    spec = scoring.INSTRUMENTS.get(code)
    return spec.name if spec else code


@permission_required("assessments.view_application", fn=application_from_url)
def instruments(request, public_id):
    application = request.permission_object
    results = selectors.instrument_results(application=application)
    rows = [
        {"result": result, "name": _instrument_name(result.instrument)}
        for result in reversed(results)
    ]
    can_record = request.user.has_perm("assessments.record_instrument", application)
    to_record = []
    if can_record:
        to_record = [
            {
                "name": spec.name,
                "version": spec.version,
                "url": reverse(
                    "assessments:instrument_record", args=[application.public_id, spec.code]
                ),
            }
            for spec in scoring.INSTRUMENTS.values()
            if spec.code in FORMS
        ]
    return case_page(
        request,
        "assessments/instruments.html",
        application,
        rows=rows,
        can_record=can_record,
        to_record=to_record,
    )


@permission_required("assessments.record_instrument", fn=application_from_url)
def instrument_record(request, public_id, code):
    """Record one instrument; the scoring function's refusals go next to the fields."""
    application = request.permission_object
    spec = scoring.INSTRUMENTS.get(code)
    form_class = FORMS.get(code)
    if spec is None or form_class is None:
        raise Http404
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.instrument_record(
                application=application,
                instrument=spec.code,
                answers=form.answers(),
                actor=request.user,
                occasion=InstrumentResult.Occasion.ASSESSMENT,
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            log_access(request, [application.citizen.public_id], Action.CREATE)
            messages.success(
                request,
                _("%(instrument)s was recorded: %(score)s.")
                % {"instrument": spec.name, "score": result.score_text},
            )
            return redirect("assessments:instruments", application.public_id)
    return case_page(
        request,
        "assessments/instrument_form.html",
        application,
        form=form,
        spec=spec,
        licensed_wording=spec.code == scoring.EQ5D5L,
    )
