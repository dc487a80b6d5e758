"""Forms of concern intake and local assessment. They check input and build the values the
services take; the rules about where a concern goes live in services/concerns.py."""

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from infohus.cases.models import ExtremismKind, LocalAssessment
from infohus.cases.services.concerns import (
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    Caller,
    ConcernFacts,
    Upload,
    check_attachments,
)

_TEXT = {"class": "form-input"}
_AREA = {"class": "form-input", "rows": 4}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the services' rules in the form's clean."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={
            "class": "form-input", "multiple": True, "accept": ".pdf,.jpg,.jpeg,.png,.txt,.docx",
        }))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Upload]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ConcernFactsForm(forms.Form):
    """What someone saw or heard; shared by the reporter's form and the telephone intake."""

    observed = forms.CharField(
        label=_("What did you see or hear?"), widget=forms.Textarea(attrs=_AREA), max_length=10_000,
        help_text=_("Describe what happened in your own words: what was said or done, and by whom."))
    observed_on = forms.DateField(
        label=_("When did it happen?"), widget=forms.DateInput(attrs={"class": "form-input", "type": "date"},
                                                              format="%Y-%m-%d"),
        help_text=_("The date, for example 2026-03-14. If it happened over a period, the most recent date."))
    observed_where = forms.CharField(
        label=_("Where did it happen?"), max_length=300, widget=forms.TextInput(attrs=_TEXT),
        help_text=_("For example: in the classroom, in the wing's common room, online (which platform)."))
    others_who_know = forms.CharField(
        label=_("Who else knows about it?"), required=False, max_length=5_000, widget=forms.Textarea(attrs=_AREA),
        help_text=_("Colleagues, family or others who saw it or were told."))
    worries = forms.CharField(
        label=_("What worries you?"), widget=forms.Textarea(attrs=_AREA), max_length=10_000,
        help_text=_("Why this made you concerned, and any change you have noticed over time."))
    immediate_danger = forms.BooleanField(
        label=_("There is immediate danger to someone"), required=False,
        widget=forms.CheckboxInput(attrs={"data-concern-danger": ""}),
        help_text=_("Tick this if someone may be hurt soon. The concern is then marked urgent."))
    extremism = forms.ChoiceField(
        label=_("Kind of extremism, if you know it"), choices=ExtremismKind.choices,
        initial=ExtremismKind.NOT_KNOWN, widget=forms.RadioSelect)
    person_unknown = forms.BooleanField(
        label=_("I do not know who the person is"), required=False,
        widget=forms.CheckboxInput)
    person_described = forms.CharField(
        label=_("The person concerned"), required=False, max_length=2_000, widget=forms.Textarea(attrs=_AREA),
        help_text=_("Name, age or birth date, and anything else that identifies them (class, cell block, "
                    "address). If you do not know who it is, tick the box above and describe them if you can."))
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = gettext(
            "Up to %(count)s files of at most %(size)s each: PDF, JPEG, PNG, plain text (.txt) or Word (.docx)."
        ) % {"count": MAX_ATTACHMENTS, "size": filesizeformat(MAX_ATTACHMENT_BYTES)}

    def clean_observed_on(self) -> Any:
        observed_on = self.cleaned_data["observed_on"]
        if observed_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future. Give the date on which it happened."))
        return observed_on

    def clean_attachments(self) -> list[Upload]:
        uploads: list[Upload] = self.cleaned_data.get("attachments") or []
        problems = check_attachments(uploads)
        if problems:
            raise forms.ValidationError(problems)
        return uploads

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("person_unknown") and not (data.get("person_described") or "").strip():
            self.add_error("person_described", _("Describe the person concerned, or tick that you do not know "
                                                 "who they are."))
        return data

    def facts(self) -> ConcernFacts:
        data = self.cleaned_data
        return ConcernFacts(
            observed=data["observed"].strip(), observed_on=data["observed_on"],
            observed_where=data["observed_where"].strip(), worries=data["worries"].strip(),
            others_who_know=data["others_who_know"].strip(), immediate_danger=data["immediate_danger"],
            extremism=data["extremism"], person_described=data["person_described"].strip(),
        )

    def uploads(self) -> list[Upload]:
        return list(self.cleaned_data.get("attachments") or [])

    @property
    def had_files(self) -> bool:
        """Whether files were chosen: a browser cannot be given them back, so the page says so."""
        return bool(self.files)


class TelephoneConcernForm(ConcernFactsForm):
    """A concern taken by telephone at the Info house; the caller may stay anonymous."""

    caller_anonymous = forms.BooleanField(
        label=_("The caller wants to stay anonymous"), required=False,
        widget=forms.CheckboxInput)
    caller_name = forms.CharField(label=_("Caller's name"), required=False, max_length=200,
                                  widget=forms.TextInput(attrs=_TEXT))
    caller_relation = forms.CharField(
        label=_("Caller's relation to the person"), required=False, max_length=100,
        widget=forms.TextInput(attrs=_TEXT), help_text=_("For example: mother, neighbour, football coach."))
    caller_contact = forms.CharField(label=_("Caller's telephone or e-mail"), required=False, max_length=200,
                                     widget=forms.TextInput(attrs=_TEXT))

    field_order = ["caller_anonymous", "caller_name", "caller_relation", "caller_contact"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["observed"].label = _("What did the caller see or hear?")
        self.fields["worries"].label = _("What worries the caller?")
        self.fields["worries"].help_text = _("In the caller's words: why this made them concerned.")
        self.fields["others_who_know"].label = _("Who else knows about it?")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("caller_anonymous"):
            for name in ("caller_name", "caller_contact"):
                if (data.get(name) or "").strip():
                    self.add_error(name, _("The caller is anonymous: leave the name and contact details empty."))
        elif not (data.get("caller_name") or "").strip():
            self.add_error("caller_name", _("Give the caller's name, or tick that they want to stay anonymous."))
        return data

    def caller(self) -> Caller:
        data = self.cleaned_data
        return Caller(name=data["caller_name"].strip(), relation=data["caller_relation"].strip(),
                      contact=data["caller_contact"].strip(), anonymous=data["caller_anonymous"])


class LocalAssessmentForm(forms.Form):
    participants = forms.CharField(
        label=_("Who took part?"), widget=forms.Textarea(attrs=_AREA), max_length=5_000,
        help_text=_("Name and role of each participant, for example the resource person, the wing's officer and "
                    "the probation worker."))
    conclusion = forms.CharField(label=_("What did you conclude?"), widget=forms.Textarea(attrs=_AREA),
                                 max_length=10_000)
    decision = forms.ChoiceField(label=_("Decision"), choices=LocalAssessment.Decision.choices,
                                 widget=forms.RadioSelect)
    version = forms.IntegerField(widget=forms.HiddenInput)
