"""Who may do what in the tracks stage.

Object checks follow the scoping of the assessments selectors and reuse their predicates:
case officers act on their team's cases, therapists and physiotherapists only on the cases
they are assigned to (``Application.therapist`` / ``Application.physio``).
"""

import rules

from assessments.rules import assigned_clinician, assigned_therapist, in_users_team
from rehab.roles import is_case_officer, is_physio, is_therapist


@rules.predicate
def may_view_application(user, application):
    return application is not None and user.has_perm("assessments.view_application", application)


rules.add_perm(
    "tracks.assign_track",
    (is_therapist & assigned_therapist) | (is_case_officer & in_users_team),
)
rules.add_perm("tracks.add_intervention", assigned_clinician)
rules.add_perm("tracks.view_interventions", may_view_application)
rules.add_perm(
    "tracks.record_handover",
    (is_therapist & assigned_therapist) | (is_case_officer & in_users_team),
)


@rules.predicate
def recorded_intervention(user, intervention):
    return intervention is not None and intervention.performed_by_id == user.pk


@rules.predicate
def assigned_to_interventions_case(user, intervention):
    """The therapist or physio assigned to the intervention's case."""
    if intervention is None:
        return False
    application = intervention.application
    return (is_therapist(user) and application.therapist_id == user.pk) or (
        is_physio(user) and application.physio_id == user.pk
    )


# A wrongly entered intervention is corrected or removed by whoever recorded it, or by the
# therapist or physio assigned to the case.
rules.add_perm(
    "tracks.change_intervention",
    (is_therapist | is_physio) & (recorded_intervention | assigned_to_interventions_case),
)
