"""How a citizen is named on screen: protected identities only with an explicit grant."""

from django.utils.translation import gettext_lazy as _

PROTECTED_LABEL = _("Protected identity")


def citizen_display_name(citizen, granted: bool) -> str:
    if citizen.protected_identity and not granted:
        return str(PROTECTED_LABEL)
    return f"{citizen.first_name} {citizen.last_name}"
