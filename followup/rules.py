import rules

from assessments.rules import in_users_team
from rehab.roles import is_admin, is_case_officer, is_manager

rules.add_perm("followup.view_overview", is_manager)
rules.add_perm("followup.record_follow_up", is_case_officer & in_users_team)
# The what-if page reads no case data: it tries the savings models on uploaded figures.
rules.add_perm("followup.use_whatif", is_manager | is_admin)
