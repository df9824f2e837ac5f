"""Finding, registering and changing a citizen, and the citizen's register extract."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from rehab.accesslog import log_access
from rehab.models import AccessLogEntry
from rehab.permissions import permission_required

from .. import citizen_export, selectors, services
from ..forms.citizens import (
    CitizenForm,
    CitizenSearchForm,
    GrantForm,
    ProtectionForm,
    RevokeForm,
)
from ..identity import IdentityNumber, looks_like_identity_number, parse_identity_number
from ..models import Citizen
from .common import add_form_errors, citizen_from_url, citizen_name, save_and_redirect

Action = AccessLogEntry.Action


@permission_required("assessments.search_citizens")
def citizen_search(request):
    """Search by number or name before registering; a POST keeps the number out of URLs."""
    form = CitizenSearchForm(request.POST or None)
    results = None
    searched_number = ""
    if request.method == "POST" and form.is_valid():
        query = form.cleaned_data["query"]
        results = selectors.citizen_search(user=request.user, query=query)
        log_access(request, [citizen.public_id for citizen in results], Action.LIST)
        for citizen in results:
            citizen.display_name = citizen_name(citizen)
        identity = _searched_identity(query) if not results else None
        searched_number = identity.display if identity else ""
    return render(
        request,
        "assessments/citizen_search.html",
        {"form": form, "results": results, "searched_number": searched_number},
    )


def _searched_identity(query: str) -> IdentityNumber | None:
    """The identity number searched for; None for a name or a number that is not valid."""
    if not looks_like_identity_number(query):
        return None
    try:
        return parse_identity_number(query)
    except ValidationError:
        return None


# The search page's "register" button posts the number searched for under this name; the
# registration form then opens with the number filled in (and nothing saved yet).
FROM_SEARCH = "from_search"


@permission_required("assessments.add_citizen")
def citizen_create(request):
    if request.method == "POST" and FROM_SEARCH in request.POST:
        identity = _searched_identity(request.POST.get("personal_number", ""))
        form = CitizenForm(
            initial={"personal_number": identity.display if identity else ""},
            team_id=request.user.team_id,
        )
        return render(request, "assessments/citizen_form.html", {"form": form})
    form = CitizenForm(request.POST or None, team_id=request.user.team_id)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            citizen = services.citizen_create(
                personal_number=data.pop("personal_number"),
                team=request.user.team,
                **{k: v for k, v in data.items() if k != "version" and v not in (None, "")},
            )
        except services.DuplicateCitizenError as error:
            duplicate = error.existing
            form.add_error("personal_number", error)
            # Saying that the number is registered (in this team or another) reads the record.
            log_access(request, [duplicate.public_id], Action.CHECK)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            log_access(request, [citizen.public_id], Action.CREATE)
            messages.success(request, _("The citizen was registered."))
            return redirect("assessments:citizen_detail", citizen.public_id)
    can_open_duplicate = duplicate is not None and request.user.has_perm(
        "assessments.view_citizen", duplicate
    )
    return render(
        request,
        "assessments/citizen_form.html",
        {"form": form, "duplicate": duplicate, "can_open_duplicate": can_open_duplicate},
    )


@permission_required("assessments.view_citizen", fn=citizen_from_url)
def citizen_detail(request, public_id):
    citizen = request.permission_object
    log_access(request, [citizen.public_id], Action.READ)
    # The number identifies the citizen on the phone and in letters; a protected identity
    # without the reader's grant shows it no more than the name.
    hidden = citizen.protected_identity and not getattr(citizen, "name_granted", False)
    number = citizen.personal_number
    return render(
        request,
        "assessments/citizen_detail.html",
        {
            "citizen": citizen,
            "personal_number": "" if hidden else f"{number[:8]}-{number[8:]}",
            "display_name": citizen_name(citizen),
            "timeline": selectors.citizen_timeline(user=request.user, citizen=citizen),
            "can_change": request.user.has_perm("assessments.change_citizen", citizen),
            "can_protect": request.user.has_perm("assessments.change_protection", citizen),
        },
    )


@permission_required("assessments.change_citizen", fn=citizen_from_url)
def citizen_update(request, public_id):
    citizen = request.permission_object
    form = CitizenForm(
        request.POST or None,
        instance=citizen,
        team_id=citizen.team_id,
        editing=True,
        hide_identity=citizen.protected_identity and not citizen.name_granted,
        initial={"version": citizen.version},
    )
    if request.method == "POST" and form.is_valid():
        done = save_and_redirect(
            request,
            form,
            lambda data: services.citizen_update(
                citizen=citizen, expected_version=data.pop("version"), **data
            ),
            citizen_ref=citizen.public_id,
            action=Action.UPDATE,
            success=_("The changes were saved."),
            url_name="assessments:citizen_detail",
        )
        if done:
            return done
    log_access(request, [citizen.public_id], Action.READ)
    return render(
        request,
        "assessments/citizen_form.html",
        {"form": form, "citizen": citizen, "display_name": citizen_name(citizen)},
    )


# --- Protected identity: setting and lifting it, and who may see the name ------------------
# Who may do which is in assessments/rules.py. A manager works with the team's protected
# citizens by a pseudonymous reference and their cases, never by name.


def team_citizen_from_url(request, public_id, **kwargs) -> Citizen:
    """``fn`` for the protection pages: a citizen of the user's team (404 otherwise)."""
    try:
        return selectors.team_citizen(user=request.user, public_id=public_id)
    except Citizen.DoesNotExist:
        raise Http404 from None


def pseudonym(citizen) -> str:
    """The reference a manager knows a protected citizen by (as in the access log)."""
    return str(citizen.public_id)[:8]


@permission_required("assessments.change_protection", fn=team_citizen_from_url)
def citizen_protection(request, public_id):
    """Set protected identity (the team's case officer) or lift it (the team's manager)."""
    citizen = request.permission_object
    protect = not citizen.protected_identity
    form = ProtectionForm(request.POST or None, initial={"version": citizen.version})
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            services.citizen_set_protection(
                citizen=citizen,
                protected=protect,
                reason=reason,
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            action = Action.PROTECT if protect else Action.UNPROTECT
            log_access(request, [citizen.public_id], action, reason)
            if protect:
                messages.success(request, _("The citizen now has protected identity."))
                return redirect("assessments:citizen_detail", citizen.public_id)
            messages.success(request, _("Protected identity was lifted."))
            return redirect("assessments:protected_identities")
    log_access(request, [citizen.public_id], Action.READ)
    return render(
        request,
        "assessments/citizen_protection.html",
        {
            "form": form,
            "citizen": citizen,
            "protect": protect,
            # Lifting is the manager's: the manager knows the citizen by the reference only.
            "display_name": citizen_name(citizen) if protect else pseudonym(citizen),
        },
    )


@permission_required("assessments.manage_protected_identities")
def protected_identities(request):
    """The manager's list of the team's protected citizens, their cases and grants."""
    citizens = selectors.protected_citizens(team_id=request.user.team_id)
    log_access(request, [citizen.public_id for citizen in citizens], Action.LIST)
    for citizen in citizens:
        citizen.reference = pseudonym(citizen)
    return render(request, "assessments/protected_identities.html", {"citizens": citizens})


def _staff_name(grant) -> str:
    return grant.user.get_full_name() or grant.user.username


@permission_required("assessments.grant_identity_access", fn=team_citizen_from_url)
def citizen_grants(request, public_id):
    """Grant a member of the team access to a protected citizen's name, or revoke it."""
    citizen = request.permission_object
    staff = selectors.grantable_staff(citizen=citizen)
    grant_form = GrantForm(staff=staff)
    revoke_form = None
    if request.method == "POST" and "revoke" in request.POST:
        revoke_form = RevokeForm(request.POST)
        if revoke_form.is_valid():
            reason = revoke_form.cleaned_data["reason"]
            try:
                grant = services.identity_grant_revoke(
                    citizen=citizen, grant_id=revoke_form.cleaned_data["grant"], reason=reason
                )
            except ValidationError as error:
                add_form_errors(revoke_form, error)
            else:
                log_access(
                    request, [citizen.public_id], Action.REVOKE, f"{_staff_name(grant)}: {reason}"
                )
                messages.success(request, _("The access to the name was revoked."))
                return redirect("assessments:citizen_grants", citizen.public_id)
    elif request.method == "POST":
        grant_form = GrantForm(request.POST, staff=staff)
        if grant_form.is_valid():
            data = grant_form.cleaned_data
            try:
                grant = services.identity_grant_create(
                    citizen=citizen,
                    user=data["user"],
                    granted_by=request.user,
                    reason=data["reason"],
                )
            except ValidationError as error:
                add_form_errors(grant_form, error)
            else:
                log_access(
                    request,
                    [citizen.public_id],
                    Action.GRANT,
                    f"{_staff_name(grant)}: {data['reason']}",
                )
                messages.success(request, _("The access to the name was granted."))
                return redirect("assessments:citizen_grants", citizen.public_id)
    log_access(request, [citizen.public_id], Action.READ)
    return render(
        request,
        "assessments/citizen_grants.html",
        {
            "citizen": citizen,
            "reference": pseudonym(citizen),
            "applications": selectors.cases_of(citizen=citizen),
            "grants": selectors.identity_grants(citizen=citizen),
            "grant_form": grant_form,
            "revoke_form": revoke_form,
            "failed_revoke": revoke_form.data.get("grant") if revoke_form else None,
        },
    )


# --- Registerutdrag (a citizen's request of access) ---------------------------------------
# The file names never carry the personnummer (it would end up in download folders and logs).


@permission_required("assessments.export_citizen", fn=citizen_from_url)
def citizen_export_json(request, public_id):
    citizen = request.permission_object
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    data = citizen_export.export_json(citizen=citizen)
    log_access(request, [citizen.public_id], Action.EXPORT)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="registerutdrag.json"'
    response["Cache-Control"] = "no-store"
    return response


@permission_required("assessments.export_citizen", fn=citizen_from_url)
def citizen_export_pdf(request, public_id):
    citizen = request.permission_object
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    pdf = citizen_export.export_pdf(citizen=citizen)
    log_access(request, [citizen.public_id], Action.EXPORT)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="registerutdrag.pdf"'
    response["Cache-Control"] = "no-store"
    return response
