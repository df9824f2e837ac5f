"""What the app's views share: loading the citizen or application a URL names, scoped to
the user, rendering a page about one case, and putting a service's refusal on the form.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from rehab.accesslog import log_access
from rehab.models import AccessLogEntry

from .. import selectors
from ..display import citizen_display_name
from ..models import Application, Citizen

Action = AccessLogEntry.Action


def citizen_from_url(request, public_id, **kwargs) -> Citizen:
    """``fn`` for ``permission_required``: the citizen the URL names, scoped to the user
    (404 when they may not see it). The view reads it back as ``request.permission_object``."""
    try:
        return selectors.citizen_detail(user=request.user, public_id=public_id)
    except Citizen.DoesNotExist:
        raise Http404 from None


def application_from_url(request, public_id, **kwargs) -> Application:
    """``fn`` for ``permission_required``: the application the URL names, scoped to the user
    (404 when they may not see it; roles that see no cases get 403 in permission_required)."""
    try:
        return selectors.application_detail(user=request.user, public_id=public_id)
    except Application.DoesNotExist:
        raise Http404 from None


def case_page(request, template: str, application: Application, **context):
    """Render a page about one application: its read is logged, and the citizen is named
    as this user may see them."""
    log_access(request, [application.citizen.public_id], Action.READ)
    context.update(
        application=application,
        display_name=citizen_display_name(application.citizen, application.name_granted),
    )
    return render(request, template, context)


def citizen_name(citizen) -> str:
    """The citizen's name as this user may see it: a protected identity only when the
    selector annotated ``name_granted`` on the citizen."""
    return citizen_display_name(citizen, getattr(citizen, "name_granted", False))


def save_and_redirect(request, form, save, *, citizen_ref, action, success, url_name):
    """Call the service with the form's data. Its refusal (a version conflict included)
    goes back to the form, with everything the user typed kept; success logs and redirects."""
    try:
        saved = save(form.cleaned_data)
    except ValidationError as error:
        add_form_errors(form, error)
        return None
    log_access(request, [citizen_ref], action)
    messages.success(request, success)
    return redirect(url_name, saved.public_id)


def add_form_errors(form, error: ValidationError) -> None:
    """Put a service's field errors next to the field, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
