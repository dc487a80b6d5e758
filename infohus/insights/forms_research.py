"""The forms of research projects: an analyst's proposal and the data protection officer's decision.

The rules (no direct identifiers, quasi-identifiers among the fields, k at least the smallest cell)
and their reasons are in services/research.py; the views put its refusals back at the fields. The
field lists accept any key the browser sends, so that a forged request for a direct identifier is
answered with the catalogue's reason, not a bare "not a valid choice".
"""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from infohus.insights.models import ResearchProject
from infohus.insights.research_catalogue import field_choices
from infohus.insights.services.research import MAX_K, ProposalData

KEY_LENGTH = 64


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CatalogueKeysField(forms.MultipleChoiceField):
    """Checkboxes of the catalogue; any short key passes here and the service explains a refusal."""

    def valid_value(self, value: str) -> bool:
        return 0 < len(str(value)) <= KEY_LENGTH


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    purpose = forms.CharField(
        label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the research is to find out, and why it needs data about individual concerns."))
    researchers = forms.CharField(
        label=_("Researchers and their institution"), widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Who will receive the extract."))
    period_start = forms.DateField(label=_("Concerns received from"), widget=_date_input())
    period_end = forms.DateField(label=_("Concerns received until"), widget=_date_input())
    columns = CatalogueKeysField(
        label=_("Fields"), widget=forms.CheckboxSelectMultiple,
        help_text=_("One row per concern; a pseudonym that links the rows of one person comes first."))
    quasi_identifiers = CatalogueKeysField(
        label=_("Quasi-identifiers"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("The chosen fields that could single a person out in combination. Every combination of "
                    "them must be shared by at least k people, or nothing is released."))
    k = forms.IntegerField(
        label=_("Smallest group (k)"), widget=forms.NumberInput(attrs={"max": MAX_K, "inputmode": "numeric"}))
    dates = forms.ChoiceField(label=_("Dates"), choices=ResearchProject.Dates.choices,
                              initial=ResearchProject.Dates.MONTH, widget=forms.RadioSelect,
                              help_text=_("A shift keeps the days between a person's dates."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("columns", "quasi_identifiers"):
            self.fields[name].choices = field_choices()  # type: ignore[attr-defined]
        # Read when the form is made, so that the setting (and the page's language) apply.
        low = settings.INSIGHTS_MIN_CELL
        self.fields["k"].initial = low
        self.fields["k"].widget.attrs["min"] = low
        self.fields["k"].help_text = gettext("At least %(low)s people.") % {"low": low}

    def data_for_service(self) -> ProposalData:
        c = self.cleaned_data
        return ProposalData(title=c["title"], purpose=c["purpose"], researchers=c["researchers"],
                            period_start=c["period_start"], period_end=c["period_end"], columns=list(c["columns"]),
                            quasi_identifiers=list(c["quasi_identifiers"]), k=c["k"], dates=c["dates"])


class DecisionForm(forms.Form):
    APPROVE, REFUSE = "approve", "refuse"

    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        (APPROVE, _("Approve: extracts may be made for this project")), (REFUSE, _("Refuse"))])
    note = forms.CharField(label=_("Note to the analyst"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Needed when you refuse: what would make the project acceptable."))
