"""Forms of subject access: finding the person, and choosing what to release and in which format.
They check input and give messages; the selectors decide."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from infohus.accounts.roles import Compartment
from infohus.cases import identifiers
from infohus.cases.forms_triage import IDENTIFIER_COUNTRIES, DateInput


class FindPersonForm(forms.Form):
    reference = forms.CharField(label=_("Case or concern reference"), max_length=20, required=False)
    identifier_country = forms.ChoiceField(label=_("Country of the identifier"), choices=IDENTIFIER_COUNTRIES,
                                           initial="DK", required=False)
    identifier = forms.CharField(label=_("National identifier"), max_length=32, required=False,
                                 help_text=_("For Denmark a CPR number, DDMMYY-SSSS."))
    name = forms.CharField(label=_("Name"), max_length=200, required=False,
                           help_text=_("Give the birth date with the name."))
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DateInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name = data.get("name", "").strip()
        if data.get("identifier", "").strip():
            try:
                identifiers.validate(data.get("identifier_country") or "DK", data["identifier"])
            except ValidationError as error:
                self.add_error("identifier", error)
        # A name alone would list every namesake in the country.
        if name and not data.get("birth_date") and "birth_date" not in self.errors:
            self.add_error("birth_date", _("Give the birth date with the name."))
        if data.get("birth_date") and not name:
            self.add_error("name", _("Give the name with the birth date."))
        if not (data.get("reference", "").strip() or data.get("identifier", "").strip() or name
                or data.get("birth_date")) and not self.errors:
            raise ValidationError(_("Give a reference, an identifier, or a name and a birth date."))
        return data


class ExportForm(forms.Form):
    FORMATS = [("json", _("JSON (machine-readable)")), ("pdf", _("PDF (to read and print)"))]

    compartments = forms.MultipleChoiceField(
        label=_("Compartments to release"), choices=Compartment.choices, widget=forms.CheckboxSelectMultiple,
        help_text=_("Records in a compartment you do not choose are left out; the export says how many."),
        error_messages={"required": _("Choose at least one compartment to release.")})
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, widget=forms.RadioSelect,
                               error_messages={"required": _("Choose JSON or PDF.")})
