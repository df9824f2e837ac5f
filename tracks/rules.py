"""Who may do what in the tracks stage.

Object checks follow the scoping of the selectors: case officers act on their team's
cases, therapists on the cases they are assigned to. Physiotherapists are brought in by the
case's therapist when needed; until that is recorded on the case, any physio of the case's
team may see and record interventions of the team's cases (the views load such a case for a
physio only once it is in a track, see ``selectors.tracked_application_for_physio``).
"""

import rules

from rehab.roles import is_case_officer, is_physio, is_therapist


@rules.predicate
def in_application_team(user, application):
    return (
        application is not None and user.team_id is not None and application.team_id == user.team_id
    )


@rules.predicate
def assigned_therapist(user, application):
    return application is not None and application.therapist_id == user.pk


@rules.predicate
def may_view_application(user, application):
    return application is not None and user.has_perm("assessments.view_application", application)


rules.add_perm(
    "tracks.assign_track",
    (is_therapist & assigned_therapist) | (is_case_officer & in_application_team),
)
rules.add_perm(
    "tracks.add_intervention",
    (is_therapist & assigned_therapist) | (is_physio & (assigned_therapist | in_application_team)),
)
rules.add_perm(
    "tracks.view_interventions",
    may_view_application | (is_physio & in_application_team),
)
rules.add_perm(
    "tracks.record_handover",
    (is_therapist & assigned_therapist) | (is_case_officer & in_application_team),
)
