import rules

from assessments.rules import in_users_team
from rehab.roles import is_admin, is_case_officer, is_manager


@rules.predicate
def ordered_the_report(user, report):
    return report is not None and report.requested_by_id == user.pk


rules.add_perm("followup.view_overview", is_manager)
# The indicator dashboard: aggregates of the manager's own teams (see followup/tables.py).
rules.add_perm("followup.view_dashboard", is_manager)
rules.add_perm("followup.record_follow_up", is_case_officer & in_users_team)
# The case officer's own list of follow-ups (scoped to her cases by the selector).
rules.add_perm("followup.view_my_follow_ups", is_case_officer)
# The what-if page reads no case data: it tries the savings models on uploaded figures.
rules.add_perm("followup.use_whatif", is_manager | is_admin)
# The projection (breddinförande) reads aggregated counts of förlopp only, in the user's
# scope (a manager her team, an administrator every team).
rules.add_perm("followup.use_projection", is_manager | is_admin)
# Reports: managers and administrators order them; each sees and downloads only their own
# (see followup/views/reports.py for why).
rules.add_perm("followup.order_report", is_manager | is_admin)
rules.add_perm("followup.view_report", (is_manager | is_admin) & ordered_the_report)
rules.add_perm("followup.choose_example", is_case_officer & in_users_team)
# Temporary increases of granted services: the case officers of the case's team, as a
# follow-up.
rules.add_perm("followup.record_temporary_increase", is_case_officer & in_users_team)
# The provider's performed minutes: the team's manager imports them for the team's citizens
# (the rows are matched to the user's team; see followup/performed_import.py).
rules.add_perm("followup.import_performed", is_manager)
