from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_reference_data(sender, **kwargs):
    from .models import LegalBasis, LifeArea, RelatedFactor, ServiceType
    from .reference_data import ensure_legal_bases, ensure_reference_data

    ensure_reference_data(ServiceType, LifeArea, RelatedFactor)
    ensure_legal_bases(LegalBasis)


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Citizens and assessments")

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from rehab.extensions import citizen_directory

        from .citizen_directory import directory
        from .extension_points import CaseLink, case_links
        from .workflow import Step

        citizen_directory.register(directory)

        for link in (
            CaseLink(
                Step.BOOK_VISIT,
                _("Book joint home visit"),
                "assessments:visit_book",
                "assessments.book_visit",
            ),
            CaseLink(
                Step.RECORD_VISIT,
                _("Record the joint visit"),
                "assessments:visit_record",
                "assessments.record_visit",
            ),
            CaseLink(
                Step.INSTRUMENTS,
                _("Instruments"),
                "assessments:instruments",
                "assessments.view_application",
            ),
            CaseLink(
                Step.ASSESSMENT_BASIS,
                _("Assessment basis"),
                "assessments:assessment_basis",
                "assessments.write_assessment_basis",
            ),
            CaseLink(
                Step.ASSESSMENT_BASIS_PDF,
                _("Assessment basis (PDF)"),
                "assessments:assessment_basis_pdf",
                "assessments.view_assessment_basis",
                document=True,
            ),
            CaseLink(
                Step.DECISION,
                _("Record the decision"),
                "assessments:decision_record",
                "assessments.record_decision",
            ),
            CaseLink(
                Step.CHANGE_DECISION,
                _("Change the decision"),
                "assessments:decision_record",
                "assessments.record_decision",
            ),
            CaseLink(
                Step.DECISION_LETTER,
                _("Decision letter (PDF)"),
                "assessments:decision_letter_pdf",
                "assessments.view_decision_letter",
                document=True,
            ),
            CaseLink(
                Step.CORRECT_VISIT,
                _("Correct the joint visit"),
                "assessments:visit_record",
                "assessments.record_visit",
            ),
        ):
            case_links.register(link)
        # Framework glue: a flush (as between browser tests) empties the catalogue that the
        # data migrations created; post_migrate runs after it and restores the defaults.
        post_migrate.connect(
            _ensure_reference_data, sender=self, dispatch_uid="assessments.reference_data"
        )
