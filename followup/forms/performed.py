"""The upload of the performed-minutes import: the intake import's file checks."""

from django.utils.translation import gettext_lazy as _

from assessments.forms.imports import ImportUploadForm


class PerformedUploadForm(ImportUploadForm):
    """A provider's monthly export; size and kind are checked as for the intake import."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("The provider's monthly export")
