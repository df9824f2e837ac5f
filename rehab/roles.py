"""The five roles. Each is a Django group (created by a data migration) and a rules predicate."""

import rules
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASE_OFFICER = "case_officer", _("Case officer")
    THERAPIST = "therapist", _("Occupational therapist")
    PHYSIO = "physio", _("Physiotherapist")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("System administrator")


# The roles that work on individual cases; the others see no case records.
CASE_ROLES = {Role.CASE_OFFICER, Role.THERAPIST, Role.PHYSIO}

# Where each role starts after logging in, in order of precedence for users with several roles.
START_PAGES = {
    Role.CASE_OFFICER: "assessments:work_queue",
    Role.THERAPIST: "assessments:my_visits",
    Role.PHYSIO: "assessments:my_visits",
    Role.MANAGER: "followup:overview",
    Role.ADMIN: "system",
}


def roles_of(user) -> list[Role]:
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_samrehab_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = [role for role in Role if role.value in names]
        user._samrehab_roles = cached
    return cached


def start_page_for(user) -> str | None:
    for role in roles_of(user):
        return START_PAGES[role]
    return None


is_case_officer = rules.is_group_member(Role.CASE_OFFICER.value)
is_therapist = rules.is_group_member(Role.THERAPIST.value)
is_physio = rules.is_group_member(Role.PHYSIO.value)
is_manager = rules.is_group_member(Role.MANAGER.value)
is_admin = rules.is_group_member(Role.ADMIN.value)


# Django model permissions each role's group holds, for the admin site. Kept in sync after
# every migrate and flush (see RehabConfig.ready), which also recreates a missing role group;
# apps add their catalogues and tariffs here.
GROUP_MODEL_PERMISSIONS = {
    Role.ADMIN: [
        "rehab.add_user",
        "rehab.change_user",
        "rehab.view_user",
        "rehab.add_team",
        "rehab.change_team",
        "rehab.view_team",
        "auth.view_group",
        *(f"rehab.{action}_claimmapping" for action in ("add", "change", "view", "delete")),
        "rehab.view_signinevent",
        "assessments.add_servicetype",
        "assessments.change_servicetype",
        "assessments.view_servicetype",
        "assessments.add_lifearea",
        "assessments.change_lifearea",
        "assessments.view_lifearea",
        "assessments.add_relatedfactor",
        "assessments.change_relatedfactor",
        "assessments.view_relatedfactor",
        "assessments.add_homecarearea",
        "assessments.change_homecarearea",
        "assessments.view_homecarearea",
        *(
            f"followup.{action}_{model}"
            for model in ("followupinterval", "savingsparameters", "tariff", "tarifflevel")
            for action in ("add", "change", "view", "delete")
        ),
        # Questionnaires of the follow-up studies: a question's edit makes a new version.
        "studies.view_questionnaire",
        "studies.view_question",
        "studies.change_question",
        *(f"studies.{action}_answeroption" for action in ("add", "change", "view", "delete")),
    ],
}


def sync_group_permissions(**kwargs) -> None:
    from django.contrib.auth.models import Group, Permission

    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = []
        for perm in GROUP_MODEL_PERMISSIONS.get(role, []):
            app_label, codename = perm.split(".")
            wanted.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)
