import rules

from .roles import is_admin

rules.add_perm("rehab.view_system_page", is_admin)
rules.add_perm("rehab.review_access_log", is_admin)
