from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_questionnaires(sender, **kwargs):
    from .models import AnswerOption, Question, Questionnaire
    from .reference_data import ensure_questionnaires

    ensure_questionnaires(Questionnaire, Question, AnswerOption)


class StudiesConfig(AppConfig):
    name = "studies"
    verbose_name = _("Follow-up studies")

    def ready(self):
        # Framework glue: restore the first questionnaires after a flush (as between
        # browser tests); rows an administrator has edited are left alone.
        post_migrate.connect(
            _ensure_questionnaires, sender=self, dispatch_uid="studies.questionnaires"
        )
