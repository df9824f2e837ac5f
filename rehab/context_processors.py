from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .roles import Role, roles_of

# (url name, label, roles that see the link)
MENU = [
    ("assessments:work_queue", _("Work queue"), {Role.CASE_OFFICER}),
    ("followup:my_follow_ups", _("My follow-ups"), {Role.CASE_OFFICER}),
    ("assessments:my_visits", _("My visits"), {Role.THERAPIST, Role.PHYSIO}),
    ("followup:overview", _("Overview"), {Role.MANAGER}),
    ("assessments:protected_identities", _("Protected identities"), {Role.MANAGER}),
    ("studies:study_list", _("Follow-up studies"), {Role.MANAGER, Role.CASE_OFFICER}),
    ("system", _("System administration"), {Role.ADMIN}),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": [], "user_roles": []}
    roles = set(roles_of(user))
    menu = [
        {
            "url": reverse(name),
            "label": label,
            "active": request.resolver_match and request.resolver_match.view_name == name,
        }
        for name, label, allowed in MENU
        if roles & allowed
    ]
    return {"menu": menu, "user_roles": [role.label for role in Role if role in roles]}
