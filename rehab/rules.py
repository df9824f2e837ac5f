import rules

from .roles import is_admin

rules.add_perm("rehab.view_system_page", is_admin)
