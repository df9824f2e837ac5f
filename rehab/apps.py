from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RehabConfig(AppConfig):
    name = "rehab"
    verbose_name = _("Samrehab")

    def ready(self):
        from .roles import sync_group_permissions

        # Framework glue: model permissions exist only after migrate has created them.
        post_migrate.connect(sync_group_permissions, dispatch_uid="rehab.sync_group_permissions")
