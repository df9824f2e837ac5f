"""The purposes of this app's views in plain words, for the access log (see
``rehab.accesslog``)."""

from django.utils.translation import gettext_lazy as _

from rehab.accesslog import view_purposes

view_purposes.register(
    {
        "followup:overview": _("Looked at the overview"),
        "followup:dashboard": _("Looked at the indicators"),
        "followup:dashboard_download": _("Downloaded an indicator table or chart"),
        "followup:my_follow_ups": _("Worked through the follow-ups"),
        "followup:next_follow_up": _("Opened the next follow-up"),
        "followup:follow_up": _("Recorded a follow-up"),
        "followup:positive_example": _("Wrote a positive example"),
        "followup:temporary_increase": _("Recorded a temporary increase of a service"),
        "followup:whatif": _("Calculated savings (what if)"),
        "followup:projection": _("Projected the effect of scaling up"),
        "followup:performed_import": _("Imported the provider's performed minutes"),
        "followup:report_order": _("Ordered a report"),
        "followup:report_status": _("Followed a report's progress"),
        "followup:report_download": _("Downloaded a report"),
    }
)
