from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_reference_data(sender, **kwargs):
    from .models import LifeArea, ServiceType
    from .reference_data import ensure_reference_data

    ensure_reference_data(ServiceType, LifeArea)


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Citizens and assessments")

    def ready(self):
        # Framework glue: a flush (as between browser tests) empties the catalogue that the
        # data migrations created; post_migrate runs after it and restores the defaults.
        post_migrate.connect(
            _ensure_reference_data, sender=self, dispatch_uid="assessments.reference_data"
        )
