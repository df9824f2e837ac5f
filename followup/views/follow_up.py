"""Recording a follow-up of a case, and the case page's step to the next one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.views.common import application_from_url, case_page
from followup import selectors, services
from followup.forms.follow_up import FollowUpForm
from followup.models import FollowUp
from rehab.accesslog import log_access
from rehab.models import AccessLogEntry
from rehab.permissions import permission_required


@permission_required("followup.record_follow_up", fn=application_from_url)
def next_follow_up(request, public_id):
    """The case page's "Follow-up" step: the form of the earliest follow-up not yet done."""
    application = request.permission_object
    item = selectors.next_follow_up(application=application)
    if item is None:
        messages.info(request, _("Every follow-up of this case has been recorded."))
        return redirect("assessments:application_detail", application.public_id)
    return redirect("followup:follow_up", application.public_id, item.months)


@permission_required("followup.record_follow_up", fn=application_from_url)
def follow_up(request, public_id, months):
    """The case officer records a follow-up: services and level now, goals, the
    instruments of the visit again; one not yet due is recorded early with a reason."""
    application = request.permission_object
    item = get_object_or_404(application.follow_ups, months=months)
    today = timezone.localdate()
    early = item.status == FollowUp.Status.SCHEDULED and item.due_on > today
    decision = getattr(application, "decision", None)
    form = FollowUpForm(
        request.POST or None,
        services_now=selectors.services_now(application=application),
        goals=list(application.goals.all()),
        instruments=selectors.instruments_to_repeat(application=application),
        early=early,
        initial={
            "version": item.version,
            "level_now": item.level_now
            if item.status == FollowUp.Status.DONE
            else getattr(decision, "level_after", None),
            "notes": item.notes,
            "early_reason": item.early_reason,
        },
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
                instruments=form.instrument_answers(),
                early_reason=form.cleaned_data.get("early_reason", ""),
                close_reason=form.cleaned_data["close_reason"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
            form.add_error(None, _("Nothing was saved: correct what is marked and save again."))
            # The transaction rolled back; show the follow-up as it is, not as half-recorded.
            item.refresh_from_db()
        else:
            log_access(request, [application.citizen.public_id], AccessLogEntry.Action.UPDATE)
            messages.success(request, _("The follow-up was recorded."))
            return redirect("assessments:application_detail", application.public_id)
    return case_page(
        request,
        "followup/follow_up_form.html",
        application,
        form=form,
        follow_up=item,
        when=selectors.when_in_words(item, today),
        overdue=selectors.is_overdue(item, today),
        early=early,
    )
