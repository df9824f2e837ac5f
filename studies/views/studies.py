"""The team's follow-up studies: the list, defining a study, its sample."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from assessments.views.common import add_form_errors
from rehab.accesslog import log_access
from rehab.models import AccessLogEntry
from rehab.permissions import permission_required

from .. import selectors, services
from ..forms import StudyForm
from ..models import Respondent
from .common import study_from_url

ANSWER_URLS = {
    Respondent.CASE_OFFICER: ("studies:answer_case_officer", "studies.answer_case_officer"),
    Respondent.PROVIDER: ("studies:answer_provider", "studies.answer_provider"),
    Respondent.CITIZEN: ("studies:answer_citizen", "studies.answer_citizen"),
}


@permission_required("studies.view_studies")
def study_list(request):
    return render(
        request,
        "studies/study_list.html",
        {
            "studies": selectors.studies_for(request.user),
            "may_define": request.user.has_perm("studies.define_study"),
        },
    )


@permission_required("studies.define_study")
def study_create(request):
    form = StudyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            study = services.study_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, _("The study was defined. Draw its sample next."))
            return redirect("studies:study_detail", study.public_id)
    return render(request, "studies/study_form.html", {"form": form})


@permission_required("studies.view_study", fn=study_from_url)
def study_detail(request, public_id):
    """The study's definition and its sample: each sampled citizen with the state of the
    three questionnaires and the links this user may follow. Every citizen shown is logged."""
    study = request.permission_object
    rows = selectors.sample_rows(study, request.user)
    log_access(request, [row.citizen_ref for row in rows], AccessLogEntry.Action.LIST)
    user = request.user
    respondents = [
        {
            "label": respondent.label,
            "url_name": url_name,
            "allowed": user.has_perm(perm, study),
        }
        for respondent, (url_name, perm) in ANSWER_URLS.items()
    ]
    table = [
        {
            "row": row,
            "cells": [
                {
                    "response": row.statuses[respondent.value],
                    "url_name": url_name,
                    "allowed": user.has_perm(perm, study),
                }
                for respondent, (url_name, perm) in ANSWER_URLS.items()
            ],
        }
        for row in rows
    ]
    earliest, latest = selectors.sampling_bounds(study)
    return render(
        request,
        "studies/study_detail.html",
        {
            "study": study,
            "table": table,
            "respondents": respondents,
            "earliest_start": earliest,
            "latest_start": latest,
            "may_draw": user.has_perm("studies.draw_sample", study),
            "may_see_results": user.has_perm("studies.view_results", study),
        },
    )


@permission_required("studies.draw_sample", fn=study_from_url)
@require_POST
def sample_draw(request, public_id):
    study = request.permission_object
    try:
        drawn = services.sample_draw(study=study, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "The sample was drawn: %(n)s case.",
                "The sample was drawn: %(n)s cases.",
                len(drawn),
            )
            % {"n": len(drawn)},
        )
    return redirect("studies:study_detail", study.public_id)
