import rules

from assessments.rules import in_users_team
from rehab.roles import is_case_officer, is_manager

rules.add_perm("followup.view_overview", is_manager)
rules.add_perm("followup.record_follow_up", is_case_officer & in_users_team)
