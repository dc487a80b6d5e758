"""The dashboard's filter (GET): a period of whole months and, optionally, a municipality or a
police district. A filter that would isolate a person is not an error (the numbers are
suppressed); a filter that makes no sense is, and comes back with the message at its field."""

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from infohus.accounts.models import Organisation
from infohus.insights.selectors.dashboard import Filter, months_between

MAX_MONTHS = 120  # ten years: longer than any retention period keeps concerns


def month_field(label: StrOrPromise) -> forms.DateField:
    return forms.DateField(label=label, input_formats=["%Y-%m"], help_text=_("Year and month, such as 2025-01."),
                           error_messages={"invalid": _("Enter a year and a month, such as 2025-01.")},
                           widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))


class DashboardFilterForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), required=False, empty_label=_("All municipalities"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY, is_active=True).order_by("name"))
    district = forms.ModelChoiceField(
        label=_("Police district"), required=False, empty_label=_("All police districts"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.POLICE_DISTRICT, is_active=True).order_by("name"))

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        # "from" is a keyword in Python, so the month fields are added by name.
        self.fields["from"] = month_field(_("From month"))
        self.fields["to"] = month_field(_("To month"))
        self.order_fields(["from", "to", "municipality", "district"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("from"), cleaned.get("to")
        if isinstance(first, date) and isinstance(last, date):
            if last < first:
                self.add_error("to", gettext("The last month cannot be before the first."))
            elif months_between(first, last) > MAX_MONTHS:
                self.add_error("from", gettext("The period can be at most %(years)d years.")
                               % {"years": MAX_MONTHS // 12})
            if last > self.today.replace(day=1):
                self.add_error("to", gettext("The period cannot end after this month."))
        municipality, district = cleaned.get("municipality"), cleaned.get("district")
        if municipality is not None and district is not None and municipality.info_house_id != district.pk:
            self.add_error("municipality", gettext("%(municipality)s is not in %(district)s. Choose one of them, or "
                                                   "a municipality in that police district.")
                           % {"municipality": municipality, "district": district})
        return cleaned

    def chosen(self) -> Filter:
        """The filter of a valid form."""
        data = self.cleaned_data
        return Filter(first=data["from"].replace(day=1), last=data["to"].replace(day=1),
                      municipality=data.get("municipality"), district=data.get("district"))
