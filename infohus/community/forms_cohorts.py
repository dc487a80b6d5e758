"""Forms of the youth cohort pages: a cohort, a module, a young participant, a goal and a progress
note. They turn what the browser sent into the services' arguments; the rules and their messages
live in services/cohorts.py, whose refusals the views put back at the fields. The attendance grid
is read by the view itself (a checkbox per participant and module)."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from infohus.community.models import Progress, YouthCohort, YouthParticipant
from infohus.community.services.cohorts import TEXT_MAX, CohortData, ParticipantData


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", "class": "form-input"}, format="%Y-%m-%d")


def _text(max_length: int = 200) -> forms.TextInput:
    return forms.TextInput(attrs={"class": "form-input", "maxlength": max_length})


class VersionedForm(forms.Form):
    """Carries the version of the record the editor saw, for the optimistic check."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def version_seen(self) -> int:
        return int(self.cleaned_data.get("version") or 0)


class CohortForm(VersionedForm):
    programme = forms.CharField(label=_("Programme"), max_length=200, widget=_text(),
                                help_text=_("For example: the CoCoRa prevention programme."))
    name = forms.CharField(label=_("Name of the cohort"), max_length=200, widget=_text(),
                           help_text=_("For example: Spring 2026, Gellerup."))
    starts_on = forms.DateField(label=_("Starts on"), widget=_date_input())
    ends_on = forms.DateField(label=_("Ends on"), widget=_date_input(), help_text=_("Not before it starts."))
    place = forms.CharField(label=_("Place"), max_length=200, required=False, widget=_text())

    def __init__(self, *args: Any, cohort: YouthCohort | None = None, **kwargs: Any) -> None:
        if cohort is not None:
            kwargs.setdefault("initial", {
                "programme": cohort.programme, "name": cohort.name, "starts_on": cohort.starts_on,
                "ends_on": cohort.ends_on, "place": cohort.place, "version": cohort.version})
        super().__init__(*args, **kwargs)

    def data_for_service(self) -> CohortData:
        d = self.cleaned_data
        return CohortData(programme=d["programme"], name=d["name"], starts_on=d["starts_on"], ends_on=d["ends_on"],
                          place=d.get("place", ""))


class ModuleForm(forms.Form):
    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=99,
                                help_text=_("The module's place in the programme, from 1."))
    title = forms.CharField(label=_("Title"), max_length=200, widget=_text())
    held_on = forms.DateField(label=_("Held on"), required=False, widget=_date_input(),
                              help_text=_("While the cohort runs. Leave it empty if the date is not set yet."))


class ParticipantForm(VersionedForm):
    first_name = forms.CharField(label=_("First name"), max_length=100, widget=_text(100))
    last_name = forms.CharField(label=_("Last name"), max_length=100, widget=_text(100))
    birth_date = forms.DateField(label=_("Date of birth"), widget=_date_input())
    joined_on = forms.DateField(label=_("Joined on"), widget=_date_input())
    consent_given_on = forms.DateField(label=_("Consent given on"), widget=_date_input(),
                                       help_text=_("Not in the future, and not after the young person joined."))
    consent_by = forms.ChoiceField(label=_("Consent given by"), choices=YouthParticipant.ConsentBy.choices,
                                   widget=forms.RadioSelect,
                                   help_text=_("Under 18 on the day of consent, a parent or guardian must consent."))
    parent_name = forms.CharField(label=_("Parent or guardian who consented"), max_length=200, required=False,
                                  widget=_text(), help_text=_("Needed when a parent or guardian gave the consent."))
    left_on = forms.DateField(label=_("Left the cohort on"), required=False, widget=_date_input(),
                              help_text=_("Only if the young person has left the cohort."))

    def __init__(self, *args: Any, participant: YouthParticipant | None = None, **kwargs: Any) -> None:
        if participant is not None:
            kwargs.setdefault("initial", {
                "first_name": participant.first_name, "last_name": participant.last_name,
                "birth_date": participant.birth_date, "joined_on": participant.joined_on,
                "consent_given_on": participant.consent_given_on, "consent_by": participant.consent_by,
                "parent_name": participant.parent_name, "left_on": participant.left_on,
                "version": participant.version})
        else:
            kwargs.setdefault("initial", {"joined_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        if participant is None:
            del self.fields["left_on"]

    def data_for_service(self) -> ParticipantData:
        d = self.cleaned_data
        return ParticipantData(first_name=d["first_name"], last_name=d["last_name"], birth_date=d["birth_date"],
                               joined_on=d["joined_on"], consent_given_on=d["consent_given_on"],
                               consent_by=d["consent_by"], parent_name=d.get("parent_name", ""),
                               left_on=d.get("left_on"))


class GoalForm(forms.Form):
    text = forms.CharField(label=_("The goal, in the young person's own words"), max_length=300,
                           widget=forms.Textarea(attrs={"class": "form-input", "rows": 3, "maxlength": 300}),
                           help_text=_("A goal for taking part in the community, as the young person says it."))
    set_on = forms.DateField(label=_("Agreed on"), widget=_date_input())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"set_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class ProgressForm(forms.Form):
    noted_on = forms.DateField(label=_("Date"), widget=_date_input())
    progress = forms.ChoiceField(label=_("How far the goal has come"), choices=Progress.choices,
                                 widget=forms.RadioSelect,
                                 help_text=_("As the young person and you agreed when you talked about it."))
    note = forms.CharField(label=_("Note"), required=False, max_length=TEXT_MAX,
                           widget=forms.Textarea(attrs={"class": "form-input", "rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"noted_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
