"""Forms of the ambassador programme: making a participant an ambassador, a module completed, an
activity, an ambassador's report, and the coordinators' three ways with a report (a dialogue
meeting, a concern to the desk, closing it). The rules and their messages live in the services
(services/ambassadors.py and services/reports.py); the views put their refusals back at the
fields."""

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from infohus.accounts.models import User
from infohus.cases.services.concerns import ConcernFacts
from infohus.community.forms_cohorts import VersionedForm
from infohus.community.models import AmbassadorActivity, AmbassadorModule, DialogueMeeting, PeerReport
from infohus.community.services.ambassadors import MAX_PEOPLE_REACHED, NOTE_MAX
from infohus.community.services.reports import REPLY_MAX, TEXT_MAX

_AREA = {"class": "form-input", "rows": 4}


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", "class": "form-input"}, format="%Y-%m-%d")


class _AccountChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.get_username()})" if name else obj.get_username()


class _MeetingChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.held_on:%Y-%m-%d}" + (f", {obj.place}" if obj.place else "")


class StartForm(forms.Form):
    user = _AccountChoice(label=_("Account the ambassador signs in with"), required=False,
                          queryset=User.objects.none(), empty_label=_("No account (the coordinator logs for them)"),
                          help_text=_("Someone with the role of youth ambassador in your organisation. With an "
                                      "account, the ambassador logs their own activities and reports."))
    started_on = forms.DateField(label=_("Started on"), widget=_date_input())

    def __init__(self, *args: Any, accounts: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"started_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = accounts  # type: ignore[attr-defined]


class ModuleDoneForm(forms.Form):
    module = forms.ChoiceField(label=_("Module of the ambassador programme"), widget=forms.RadioSelect)
    completed_on = forms.DateField(label=_("Completed on"), widget=_date_input())

    def __init__(self, *args: Any, to_do: list[AmbassadorModule], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"completed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        # A tampered value outside the list is refused here; one done meanwhile by the service.
        self.fields["module"].choices = [(m.value, m.label) for m in to_do] or [  # type: ignore[attr-defined]
            (m.value, m.label) for m in AmbassadorModule]


class ReadyForm(VersionedForm):
    pass


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("What kind of activity"), choices=AmbassadorActivity.Kind.choices,
                             widget=forms.RadioSelect)
    held_on = forms.DateField(label=_("Date"), widget=_date_input(), help_text=_("Not in the future."))
    people_reached = forms.IntegerField(label=_("Young people reached"), min_value=1, max_value=MAX_PEOPLE_REACHED,
                                        initial=1)
    note = forms.CharField(label=_("What happened"), required=False, max_length=NOTE_MAX,
                           widget=forms.Textarea(attrs=_AREA),
                           help_text=_("What you talked about or did. Write no names: not yours, not anyone "
                                       "else's."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"held_on": timezone.localdate(), "people_reached": 1})
        super().__init__(*args, **kwargs)


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What do you want to report?"), choices=PeerReport.Kind.choices,
                             widget=forms.RadioSelect)
    text = forms.CharField(label=_("What you heard"), max_length=TEXT_MAX, widget=forms.Textarea(attrs=_AREA),
                           help_text=_("In your own words. What is the need, or what worries you?"))
    someone_at_risk = forms.BooleanField(
        label=_("Someone may be at risk"), required=False,
        help_text=_("Tick this if you think someone may be in danger of harming themselves or others, or of being "
                    "drawn into extremism. A professional will read your report and decide what to do. If someone "
                    "is in immediate danger, call 112 now."))


# --- the coordinators' ways with a report ---------------------------------------------------------------

class DialogueForm(VersionedForm):
    meeting = _MeetingChoice(label=_("An upcoming dialogue meeting"), required=False,
                             queryset=DialogueMeeting.objects.none(), empty_label=_("None: plan a new meeting"))
    new_meeting_on = forms.DateField(label=_("Or a new meeting on"), required=False, widget=_date_input(),
                                     help_text=_("A new meeting is planned on this date (from today on)."))
    place = forms.CharField(label=_("Place of the new meeting"), required=False, max_length=200,
                            widget=forms.TextInput(attrs={"class": "form-input"}))
    title = forms.CharField(label=_("Topic"), max_length=300, widget=forms.TextInput(attrs={"class": "form-input"}),
                            help_text=_("What the meeting should talk about. No names: partners read the agenda."))
    notes = forms.CharField(label=_("Notes for the meeting"), required=False, max_length=TEXT_MAX,
                            widget=forms.Textarea(attrs=_AREA))

    def __init__(self, *args: Any, meetings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("meeting") is not None and cleaned.get("new_meeting_on") is not None:
            self.add_error("new_meeting_on", gettext("Choose an upcoming meeting or give a new date, not both."))
        elif cleaned.get("meeting") is None and cleaned.get("new_meeting_on") is None \
                and "meeting" not in self.errors and "new_meeting_on" not in self.errors:
            self.add_error("meeting", gettext("Choose an upcoming meeting, or give the date of a new one."))
        return cleaned


class ConcernForm(VersionedForm):
    """A concern to the desk, prefilled from the report; the coordinator writes it as theirs."""

    observed = forms.CharField(label=_("What was seen or heard"), max_length=10_000, widget=forms.Textarea(attrs=_AREA),
                               help_text=_("From the ambassador's report; add what you know yourself."))
    observed_on = forms.DateField(label=_("When it happened"), widget=_date_input(),
                                  help_text=_("The most recent date, if it happened over a period."))
    observed_where = forms.CharField(label=_("Where it happened"), max_length=300,
                                     widget=forms.TextInput(attrs={"class": "form-input"}))
    worries = forms.CharField(label=_("What worries you"), max_length=10_000, widget=forms.Textarea(attrs=_AREA),
                              help_text=_("Why this is a concern, in your words as a professional."))
    immediate_danger = forms.BooleanField(label=_("There is immediate danger to someone"), required=False,
                                          help_text=_("The concern is then marked urgent. In immediate danger, call "
                                                      "112 as well."))
    person_unknown = forms.BooleanField(label=_("I do not know who the person is"), required=False)
    person_described = forms.CharField(label=_("The person concerned"), required=False, max_length=2_000,
                                       widget=forms.Textarea(attrs=_AREA),
                                       help_text=_("Name, age and anything else that identifies them, if known."))
    reply = forms.CharField(label=_("What the ambassador is told"), max_length=REPLY_MAX,
                            widget=forms.Textarea(attrs=_AREA),
                            help_text=_("The ambassador reads this. They never see the concern."))

    def clean_observed_on(self) -> date:
        observed_on: date = self.cleaned_data["observed_on"]
        if observed_on > timezone.localdate():
            raise forms.ValidationError(gettext("The date cannot be in the future. Give the date on which it "
                                                "happened."))
        return observed_on

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("person_unknown") and not (cleaned.get("person_described") or "").strip() \
                and "person_described" not in self.errors:
            self.add_error("person_described", gettext("Describe the person concerned, or tick that you do not "
                                                        "know who they are."))
        return cleaned

    def facts(self) -> ConcernFacts:
        d = self.cleaned_data
        return ConcernFacts(observed=d["observed"].strip(), observed_on=d["observed_on"],
                            observed_where=d["observed_where"].strip(), worries=d["worries"].strip(),
                            immediate_danger=bool(d.get("immediate_danger")),
                            person_described="" if d.get("person_unknown") else d.get("person_described", "").strip())


class CloseForm(VersionedForm):
    reply = forms.CharField(label=_("What the ambassador is told"), max_length=REPLY_MAX,
                            widget=forms.Textarea(attrs=_AREA), help_text=_("The ambassador reads this."))
