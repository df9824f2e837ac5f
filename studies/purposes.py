"""The purposes of this app's views in plain words, for the access log (see
``rehab.accesslog``)."""

from django.utils.translation import gettext_lazy as _

from rehab.accesslog import view_purposes

view_purposes.register(
    {
        "studies:study_list": _("Listed the follow-up studies"),
        "studies:study_create": _("Defined a follow-up study"),
        "studies:study_detail": _("Opened a follow-up study's sample"),
        "studies:sample_draw": _("Drew a follow-up study's sample"),
        "studies:results": _("Looked at a follow-up study's results"),
        "studies:results_csv": _("Downloaded a follow-up study's results"),
        "studies:results_xlsx": _("Downloaded a follow-up study's results"),
        "studies:answer_case_officer": _("Answered a follow-up study's questions"),
        "studies:answer_provider": _("Recorded the provider's answers in a follow-up study"),
        "studies:answer_citizen": _("Recorded the citizen's answers in a follow-up study"),
    }
)
