"""Forms of the lending pages. They check input; services/lending.py holds the rules (which
municipality may lend, which mentor may be offered, which step is still possible)."""

import re
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from infohus.accounts.models import Organisation
from infohus.cases.models import ExtremismKind
from infohus.interventions.languages import is_language
from infohus.interventions.models import AgeGroup, MentorProfile
from infohus.interventions.selectors.lending import ROLES_NEEDED, MentorOption

TEXT_MAX = 4000


class _Municipality(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class LendingRequestForm(forms.Form):
    """A request to borrow a mentor. The needs become the request's needs (without identifying
    data); the summary is checked lightly for the person's name and identifier, and a warning
    refuses the form once, until "send anyway" is ticked."""

    lending_organisation = _Municipality(label=_("Municipality to borrow from"), queryset=Organisation.objects.none(),
                                         empty_label=_("Choose a municipality"))
    corps_role = forms.ChoiceField(label=_("Role needed"),
                                   choices=[(role.value, role.label) for role in ROLES_NEEDED])
    languages = forms.CharField(
        label=_("Languages"), required=False, max_length=100,
        help_text=_("Language codes, separated by commas, for example: ar, en."))
    age_group = forms.ChoiceField(label=_("Age group"), required=False,
                                  choices=[("", _("Any")), *AgeGroup.choices])
    extremism_kind = forms.ChoiceField(label=_("Kind of extremism"), required=False,
                                       choices=[("", _("Any")), *ExtremismKind.choices])
    gender = forms.ChoiceField(label=_("Mentor's gender"), required=False,
                               choices=[("", _("Any")), *MentorProfile.Gender.choices])
    prison_work = forms.BooleanField(label=_("Experience of prison work needed"), required=False)
    summary = forms.CharField(
        label=_("Summary"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the work is about and what is needed. No names, addresses, identifiers or other "
                    "details that identify the person: the lending municipality sees this text."))
    hours_per_month = forms.IntegerField(label=_("Expected hours per month"), required=False, min_value=1,
                                         max_value=200)

    def __init__(self, *args: Any, owner: Organisation, mentions: Any = None, **kwargs: Any) -> None:
        """owner: the case's municipality (not offered as a lender; a forged choice of it reaches the
        service, which refuses it at the field). mentions(summary) -> what identifies the person."""
        super().__init__(*args, **kwargs)
        field = self.fields["lending_organisation"]
        field.queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind=Organisation.Kind.MUNICIPALITY, is_active=True).order_by("name")
        field.widget.choices = [("", field.empty_label), *(  # type: ignore[attr-defined]
            (org.pk, org.name) for org in field.queryset.exclude(pk=owner.pk))]  # type: ignore[attr-defined]
        self.mentions = mentions
        self.warned = False
        if self.is_bound and "send_anyway" in self.data:
            self._add_send_anyway()

    def _add_send_anyway(self) -> None:
        self.fields["send_anyway"] = forms.BooleanField(
            label=_("Send anyway: I have checked that the summary does not identify the person"), required=False)

    def clean_languages(self) -> list[str]:
        codes = [c.strip().lower() for c in re.split(r"[,\s;]+", self.cleaned_data.get("languages") or "") if c.strip()]
        unknown = [c for c in codes if not is_language(c)]
        if unknown:
            raise forms.ValidationError(
                gettext("Not a language code: %(codes)s. Use two-letter codes such as ar, en or so.")
                % {"codes": ", ".join(unknown)})
        return list(dict.fromkeys(codes))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        summary = cleaned.get("summary") or ""
        found = self.mentions(summary) if (summary and self.mentions is not None) else []
        if found and not cleaned.get("send_anyway"):
            self.warned = True
            if "send_anyway" not in self.fields:
                self._add_send_anyway()
            self.add_error("summary", gettext(
                "The summary seems to contain %(what)s of the person. The lending municipality must not be able "
                "to identify them: take it out, or tick “Send anyway” below if it is not about the person.")
                % {"what": gettext(" and ").join(found)})
        return cleaned

    def needs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"languages": data.get("languages") or [], "age_group": data.get("age_group") or "",
                "extremism_kind": data.get("extremism_kind") or "", "gender": data.get("gender") or "",
                "prison_work": bool(data.get("prison_work"))}


class _Mentor(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class OfferForm(forms.Form):
    """The lending side picks one of its own corps members. Each option says in words whether the
    mentor can be assigned now; a forged choice of another municipality's mentor reaches the
    service, which refuses it at the field."""

    mentor = _Mentor(label=_("Mentor to offer"), queryset=MentorProfile.objects.none(),
                     empty_label=_("Choose a member of your corps"))

    def __init__(self, *args: Any, options: list[MentorOption], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["mentor"]
        field.queryset = MentorProfile.objects.select_related("user")  # type: ignore[attr-defined]
        field.widget.choices = [("", field.empty_label),  # type: ignore[attr-defined]
                                *((option.profile.pk, option.label) for option in options)]


class ReasonForm(forms.Form):
    """Declining a request, or ending a lending: the reason goes to the other side."""

    reason = forms.CharField(label=_("Reason"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, label: str = "", help_text: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label
        if help_text:
            self.fields["reason"].help_text = help_text


class HoursReportForm(forms.Form):
    """The period of the hours report (GET: ?from=…&to=…); both default to the current quarter."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"},
                                                                                         format="%Y-%m-%d"))
        self.fields["to"] = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"},
                                                                                   format="%Y-%m-%d"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("from"), cleaned.get("to")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            self.add_error("to", gettext("The end of the period cannot be before its start."))
        return cleaned


def current_quarter(today: date) -> tuple[date, date]:
    first_month = 3 * ((today.month - 1) // 3) + 1
    start = date(today.year, first_month, 1)
    end = date(today.year + 1, 1, 1) if first_month == 10 else date(today.year, first_month + 3, 1)
    return start, date.fromordinal(end.toordinal() - 1)
