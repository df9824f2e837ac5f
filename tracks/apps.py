from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TracksConfig(AppConfig):
    name = "tracks"
    verbose_name = _("Tracks and interventions")

    def ready(self):
        from assessments.extension_points import (
            CaseLink,
            CaseSection,
            DocumentSection,
            basis_document_sections,
            case_facts,
            case_history,
            case_links,
            case_sections,
            decision_sections,
        )
        from assessments.workflow import Step

        from . import selectors

        case_facts.register(selectors.workflow_facts)
        for link in (
            CaseLink(Step.TRACK, _("Track"), "tracks:track", "tracks.assign_track"),
            CaseLink(
                Step.INTERVENTIONS,
                _("Interventions"),
                "tracks:interventions",
                "tracks.view_interventions",
            ),
            CaseLink(Step.HANDOVER, _("Handover"), "tracks:handover", "tracks.record_handover"),
        ):
            case_links.register(link)
        case_sections.register(
            CaseSection("tracks/_case_track.html", selectors.case_section, slot="facts")
        )
        decision_sections.register(
            CaseSection("tracks/_decision_recommendations.html", selectors.decision_section)
        )
        case_history.register(selectors.change_history_records)
        basis_document_sections.register(
            DocumentSection("tracks/_basis_track.html", selectors.basis_document_section)
        )
