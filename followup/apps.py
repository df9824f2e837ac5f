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
        from assessments.extension_points import (
            CaseLink,
            CaseSection,
            after_decision,
            case_changed,
            case_facts,
            case_links,
            case_sections,
            cases_loaded,
        )
        from assessments.workflow import Step

        from . import case_figures, dashboard_figures, selectors
        from .services import schedule_follow_ups

        # What this stage adds to a case (see assessments/extension_points.py).
        after_decision.register(schedule_follow_ups)
        # The cases' figures follow every write they are worked out from (ADR 0016).
        after_decision.register(case_figures.refresh_after_decision)
        case_changed.register(case_figures.refresh_after_change)
        cases_loaded.register(case_figures.case_figures_rebuild)
        # The team's kept overview and dashboard are computed again after the commit.
        after_decision.register(dashboard_figures.refresh_after_decision)
        case_facts.register(selectors.workflow_facts)
        case_links.register(
            CaseLink(
                Step.POSITIVE_EXAMPLE,
                _("Positive example"),
                "followup:positive_example",
                "followup.choose_example",
                document=True,
            )
        )
        case_links.register(
            CaseLink(
                Step.FOLLOW_UP,
                _("Record the follow-up"),
                "followup:next_follow_up",
                "followup.record_follow_up",
            )
        )
        case_links.register(
            CaseLink(
                Step.TEMPORARY_INCREASE,
                _("Temporary increase"),
                "followup:temporary_increase",
                "followup.record_temporary_increase",
            )
        )
        case_sections.register(
            CaseSection("followup/_case_follow_ups.html", selectors.case_section)
        )
        case_sections.register(
            CaseSection(
                "followup/_case_temporary_increases.html", selectors.temporary_increases_section
            )
        )
        # Framework glue: restore the defaults after a flush (as between browser tests).
        post_migrate.connect(
            _ensure_reference_data, sender=self, dispatch_uid="followup.reference_data"
        )
