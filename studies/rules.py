"""Who may do what in a follow-up study. A study belongs to a team: its manager defines it,
draws the sample and reads the results; the team's case officers answer the case officer's
questionnaire. The citizen is interviewed by a case officer or the manager, who records the
answers on the citizen's behalf; the provider's contact person answers through the manager,
who records the answers with the contact person's name (there is no provider role).

The loaders in ``views/common.py`` find studies and sampled cases within the user's team
only, so another team's study is a 404 (403 for managers, see rehab.permissions)."""

import rules

from rehab.roles import is_case_officer, is_manager


@rules.predicate
def in_study_team(user, obj):
    """``obj`` is a study or a sampled case of the user's team."""
    if obj is None or user.team_id is None:
        return False
    study = getattr(obj, "study", obj)
    return study.team_id == user.team_id


@rules.predicate
def is_drawn(user, obj):
    study = getattr(obj, "study", obj)
    return obj is not None and study.drawn_at is not None


rules.add_perm("studies.view_studies", is_manager | is_case_officer)
rules.add_perm("studies.define_study", is_manager)
rules.add_perm("studies.view_study", (is_manager | is_case_officer) & in_study_team)
rules.add_perm("studies.draw_sample", is_manager & in_study_team)
rules.add_perm("studies.view_results", is_manager & in_study_team)
rules.add_perm("studies.answer_case_officer", is_case_officer & in_study_team & is_drawn)
rules.add_perm("studies.answer_provider", is_manager & in_study_team & is_drawn)
rules.add_perm("studies.answer_citizen", (is_case_officer | is_manager) & in_study_team & is_drawn)
