import rules

from rehab.roles import is_manager

rules.add_perm("followup.view_overview", is_manager)
