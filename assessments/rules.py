"""Who may do what with citizens and applications. Object checks use the same scoping as
the selectors: case officers their team's, therapists and physios what they are assigned.

Protected identity (skyddad identitet):

- **Setting** it is for a case officer of the citizen's team: whoever learns of the need
  protects the citizen at once, with the reason.
- **Lifting** it is for the manager (enhetschef) of the citizen's team only, with the
  reason: it exposes the name and address again, so it is not decided by the person who
  works the case.
- **Granting and revoking** access to a protected citizen's name is for the manager of the
  citizen's team only, to a member of that team, with the reason. The case officer of the
  case does not grant: a case officer without a grant would otherwise grant themselves, and
  one with a grant would pass the name on without anybody else deciding. The manager sees
  the team's protected citizens by a pseudonymous reference and their cases, never the name.

Every one of these is logged with its reason (``rehab.accesslog.log_access``); a change of
protection is also in the citizen's change history.
"""

import rules
from django.db.models import Q

from rehab.roles import is_case_officer, is_manager, is_physio, is_therapist


@rules.predicate
def in_users_team(user, obj):
    return obj is not None and user.team_id is not None and obj.team_id == user.team_id


@rules.predicate
def assigned_therapist(user, application):
    return application is not None and application.therapist_id == user.pk


@rules.predicate
def assigned_physio(user, application):
    return application is not None and application.physio_id == user.pk


@rules.predicate
def assigned_to_citizen(user, citizen):
    return (
        citizen is not None
        and citizen.applications.filter(Q(therapist=user) | Q(physio=user)).exists()
    )


rules.add_perm("assessments.view_work_queue", is_case_officer)
rules.add_perm("assessments.view_my_visits", is_therapist | is_physio)
rules.add_perm("assessments.search_citizens", is_case_officer)
rules.add_perm("assessments.add_citizen", is_case_officer)
rules.add_perm("assessments.import_applications", is_case_officer)
rules.add_perm(
    "assessments.view_citizen",
    (is_case_officer & in_users_team) | ((is_therapist | is_physio) & assigned_to_citizen),
)
rules.add_perm("assessments.change_citizen", is_case_officer & in_users_team)
rules.add_perm("assessments.add_application", is_case_officer & in_users_team)
# The therapist and physio assigned to the application; one predicate for every rule.
assigned_clinician = (is_therapist & assigned_therapist) | (is_physio & assigned_physio)

rules.add_perm(
    "assessments.view_application", (is_case_officer & in_users_team) | assigned_clinician
)
rules.add_perm("assessments.change_application", is_case_officer & in_users_team)
rules.add_perm("assessments.book_visit", is_case_officer & in_users_team)
rules.add_perm(
    "assessments.record_visit",
    (is_therapist & assigned_therapist) | (is_case_officer & in_users_team),
)
rules.add_perm("assessments.record_instrument", assigned_clinician)
rules.add_perm("assessments.write_assessment_basis", is_therapist & assigned_therapist)
rules.add_perm(
    "assessments.view_assessment_basis", (is_case_officer & in_users_team) | assigned_clinician
)
rules.add_perm("assessments.record_decision", is_case_officer & in_users_team)
# The decision letter (beslutsmeddelande) goes to the citizen from the case officer.
rules.add_perm("assessments.view_decision_letter", is_case_officer & in_users_team)


@rules.predicate
def may_see_identity(user, citizen):
    """A protected identity only with an explicit grant (``name_granted`` when annotated)."""
    if citizen is None:
        return False
    if not citizen.protected_identity:
        return True
    granted = getattr(citizen, "name_granted", None)
    if granted is not None:
        return bool(granted)
    return citizen.grants.filter(user=user).exists()


# Registerutdrag: a case officer of the citizen's team exports everything held about them.
rules.add_perm("assessments.export_citizen", is_case_officer & in_users_team & may_see_identity)


@rules.predicate
def is_protected(user, citizen):
    return citizen is not None and citizen.protected_identity


# Protected identity: set by the team's case officer, lifted and granted by its manager.
rules.add_perm("assessments.manage_protected_identities", is_manager)
rules.add_perm(
    "assessments.change_protection",
    (is_case_officer & in_users_team & ~is_protected) | (is_manager & in_users_team & is_protected),
)
rules.add_perm("assessments.grant_identity_access", is_manager & in_users_team & is_protected)
