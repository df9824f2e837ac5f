"""Writing the access log. Views call these for every citizen they show or change.

Each row records why: the *purpose*, the view's task in plain words ("Läste ärendet"),
looked up from the resolved view name in ``view_purposes``, and the *reason* the user gave
where the view asks for one (a grant, a change of protected identity).

Each app registers the purposes of its own views into ``view_purposes`` from a
``purposes.py`` module of its own (a dict of URL names, namespaced as ``reverse`` spells
them, to lazy translated texts); rehab finds those modules the way the admin finds
``admin.py`` (``autodiscover_modules``), so it imports no later app. A test walks the URL
configuration and fails for a view without a purpose.
"""

from collections.abc import Iterable, Mapping
from uuid import UUID

from django.conf import settings
from django.utils import translation
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from .client_address import client_ip
from .extensions import ExtensionPoint, citizen_directory
from .models import AccessLogEntry
from .roles import roles_of

view_purposes: ExtensionPoint[Mapping[str, str]] = ExtensionPoint("view_purposes")

view_purposes.register(
    {
        "home": _("Opened the start page"),
        "two_factor": _("Logged in with a one-time code"),
        "system": _("Opened system administration"),
        "access_log": _("Reviewed the access log"),
        "access_log_export": _("Exported the access log"),
        "citizen_access_report": _("Produced a citizen's access report"),
    }
)

_discovered = False
NOT_FLAGGED = (False, False)


def purposes() -> dict[str, str]:
    """Every registered view name with its purpose (lazy texts)."""
    global _discovered
    if not _discovered:
        autodiscover_modules("purposes")
        _discovered = True
    merged: dict[str, str] = {}
    for mapping in view_purposes:
        merged.update(mapping)
    return merged


def purpose_of(view_name: str) -> str:
    """The purpose of a view in plain words, in the organisation's language (the log is one
    record whatever language each user reads the pages in); "" for an unknown view."""
    purpose = purposes().get(view_name)
    if purpose is None:
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        return str(purpose)


def access_flags(user, citizen_refs: Iterable[UUID]) -> dict[str, tuple[bool, bool]]:
    """What the review flags of a read by ``user`` of each of ``citizen_refs`` that is a
    citizen (by the text of its id), as it stands now: (the identity is protected, the
    citizen is not of the user's team or the user has none); one query."""
    team = user.team_id
    return {
        str(ref): (facts.protected_identity, team is None or facts.team_id != team)
        for ref, facts in citizen_directory.one().facts(citizen_refs).items()
    }


def log_access(request, citizen_refs: Iterable[UUID], action: str, reason: str = "") -> None:
    """One row per citizen, written in one statement whatever the number of citizens, with
    the flags of the moment (``access_flags``, one query)."""
    refs = list(dict.fromkeys(citizen_refs))
    if not refs:
        return
    flags = access_flags(request.user, refs)
    roles = ",".join(role.value for role in roles_of(request.user))
    view = request.resolver_match.view_name if request.resolver_match else request.path[:100]
    purpose = purpose_of(view)[:200]
    address = client_ip(request)
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            user=request.user,
            roles=roles,
            citizen_ref=ref,
            action=action,
            view=view,
            purpose=purpose,
            reason=reason[:300],
            ip_address=address,
            protected_identity=flags.get(str(ref), NOT_FLAGGED)[0],
            outside_team=flags.get(str(ref), NOT_FLAGGED)[1],
        )
        for ref in refs
    )
