"""The upload form of the detention-notice import. It refuses what is not a readable notice file (type,
size, encoding, header) at the file field; the rows themselves are judged by the import."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from aftercare.imports import notice_file_open
from zvhd.forms import NLDSFormMixin

MAX_FILE_SIZE = 5 * 1024 * 1024


class NoticeImportForm(NLDSFormMixin, forms.Form):
    # The uploaded file's name, once the file is valid (the cleaned value is its content).
    file_name = ""

    file = forms.FileField(
        label=_("DJI file of detention notices"),
        help_text=_("A CSV file (UTF-8, separated by semicolons or commas) with a header row. At most 5 MB."),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": _("Choose the file to import."),
            "empty": _("The file is empty."),
        },
    )

    def clean_file(self) -> bytes:
        """The file's content, once it is known to be a CSV file with a valid header row."""
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() != ".csv":
            raise ValidationError(_("Choose a CSV file (.csv)."), code="file_type")
        if upload.size > MAX_FILE_SIZE:
            raise ValidationError(
                _("The file is %(size)s; at most %(max)s can be imported at once. Split it up.")
                % {"size": filesizeformat(upload.size), "max": filesizeformat(MAX_FILE_SIZE)},
                code="file_size",
            )
        content = upload.read()
        notice_file_open(content)  # raises the file's problem (empty, encoding, header) for this field
        self.file_name = upload.name
        return content
