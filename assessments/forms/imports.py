"""The spreadsheet upload of the import page."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .. import imports


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet file"),
        help_text=format_lazy(
            _(
                "CSV (separated by semicolons or commas) or Excel (.xlsx), at most {size} MB "
                "and {rows} rows. Row 1 holds the column names described below."
            ),
            size=imports.MAX_FILE_BYTES // (1024 * 1024),
            rows=f"{imports.MAX_ROWS:,}".replace(",", " "),
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > imports.MAX_FILE_BYTES:
            raise ValidationError(
                _("The file is larger than %(max)s MB. Split it into smaller files."),
                params={"max": imports.MAX_FILE_BYTES // (1024 * 1024)},
            )
        try:
            imports.file_kind(upload.name)
        except imports.ImportFileError as error:
            raise ValidationError(error.message) from None
        return upload
