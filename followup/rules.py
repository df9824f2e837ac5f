import rules

from rehab.roles import is_admin, is_manager


@rules.predicate
def ordered_the_report(user, report):
    return report is not None and report.requested_by_id == user.pk


rules.add_perm("followup.view_overview", is_manager)
# Reports: managers and administrators order them; each sees and downloads only their own
# (see followup/report_views.py for why).
rules.add_perm("followup.order_report", is_manager | is_admin)
rules.add_perm("followup.view_report", (is_manager | is_admin) & ordered_the_report)
