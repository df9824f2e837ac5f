from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = _("Follow-up and reports")

    def ready(self):
        from assessments.services import AFTER_DECISION

        from .services import schedule_follow_ups

        # A decision schedules its follow-ups (see assessments.services.AFTER_DECISION).
        if schedule_follow_ups not in AFTER_DECISION:
            AFTER_DECISION.append(schedule_follow_ups)
