"""The upload form of the country-page importer."""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class CountryPageUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Country page"),
        help_text=_("A UTF-8 text file in the format of the European practice platform's country pages, "
                    "at most 2 MB."),
        widget=forms.ClearableFileInput(attrs={"class": "form-input", "accept": ".txt,text/plain"}),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: show what would change and write nothing"), required=False,
        widget=forms.CheckboxInput,
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s. Split the page or remove what is not a "
                  "directory entry.") % {"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_UPLOAD_BYTES)}
            )
        return upload
