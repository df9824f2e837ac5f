from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_reference_data(sender, **kwargs):
    from .models import FollowUpInterval, SavingsParameters
    from .reference_data import ensure_reference_data

    ensure_reference_data(FollowUpInterval, SavingsParameters)


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = _("Follow-up and reports")

    def ready(self):
        from assessments.services import AFTER_DECISION

        from .services import schedule_follow_ups

        # A decision schedules its follow-ups (see assessments.services.AFTER_DECISION).
        if schedule_follow_ups not in AFTER_DECISION:
            AFTER_DECISION.append(schedule_follow_ups)
        # Framework glue: restore the defaults after a flush (as between browser tests).
        post_migrate.connect(
            _ensure_reference_data, sender=self, dispatch_uid="followup.reference_data"
        )
