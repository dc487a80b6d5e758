"""Forms of the intervention pages. They turn what the browser sent into the services' arguments;
the rules (who may, which dates, which durations, which goals and network members) are in
services/interventions.py, whose messages the views put at the fields here."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from infohus.accounts.models import Organisation, User
from infohus.accounts.roles import Compartment
from infohus.cases.models import NetworkMember
from infohus.interventions.models import (
    AdviceFor,
    Goal,
    InterventionKind,
    Outcome,
    Session,
    TreatmentKind,
)
from infohus.interventions.selectors.interventions import GoalLine

TEXT_MAX = 10_000
DATE = {"type": "date"}


def _date(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"), **kwargs)


def _text(label: Any, *, rows: int = 4, **kwargs: Any) -> forms.CharField:
    kwargs.setdefault("required", False)
    return forms.CharField(label=label, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


def _duration() -> forms.IntegerField:
    # The limits are the services' (with their own messages); the input only hints at them.
    return forms.IntegerField(label=_("Duration (minutes)"),
                              widget=forms.NumberInput(attrs={"min": 1, "max": 1440, "inputmode": "numeric"}))


def _compartment_choices(compartments: Iterable[str]) -> list[tuple[str, Any]]:
    seen = set(compartments)
    return [(value, label) for value, label in Compartment.choices if value in seen]


class _UserChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class StartForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of intervention"), choices=[("", _("Choose a kind")),
                                                                      *InterventionKind.choices])
    provider_user = _UserChoice(
        label=_("Provided by a person"), required=False, queryset=User.objects.none(),
        empty_label=_("No one in particular"),
        help_text=_("Someone on the team, or a member of the mentor corps of the case's municipality (who then "
                    "joins the team)."))
    provider_organisation = forms.ModelChoiceField(
        label=_("Provided by an organisation"), required=False, queryset=Organisation.objects.none(),
        empty_label=_("No organisation"))
    provider_project = forms.ModelChoiceField(
        label=_("Project from the directory"), required=False, queryset=Organisation.objects.none(),
        empty_label=_("No project"), help_text=_("Needed for a referral to a project."))
    started_on = _date(_("Starts on"))
    treatment = forms.ChoiceField(label=_("Treatment"), required=False,
                                  choices=[("", _("Not a treatment referral")), *TreatmentKind.choices],
                                  help_text=_("For a referral to psychological treatment."))
    description = _text(_("What the intervention is for"))

    def __init__(self, *args: Any, users: Any, organisations: Any, projects: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("started_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["provider_user"].queryset = users  # type: ignore[attr-defined]
        self.fields["provider_organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["provider_project"].queryset = projects  # type: ignore[attr-defined]


class AdviceForm(forms.Form):
    advice_for = forms.ChoiceField(label=_("Advice to"), choices=AdviceFor.choices, widget=forms.RadioSelect)
    started_on = _date(_("Date"))
    duration_minutes = _duration()
    description = _text(_("What the advice was about"),
                        help_text=_("In an anonymous consultation, write nothing that could identify anyone."))
    on_case = forms.BooleanField(
        label=_("Not anonymous: record it on a case"), required=False,
        help_text=_("Leave this unticked for an anonymous consultation: no person and no case are recorded; it is "
                    "only counted."))
    case_reference = forms.CharField(label=_("Case reference"), required=False, max_length=40,
                                     help_text=_("Only when not anonymous: a case whose team you are on."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("started_on", timezone.localdate())
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        reference = (cleaned.get("case_reference") or "").strip()
        if cleaned.get("on_case") and not reference:
            self.add_error("case_reference", _("Give the reference of the case, or untick “Not anonymous”."))
        elif reference and not cleaned.get("on_case"):
            self.add_error("case_reference", _("An anonymous consultation names no case. Tick “Not anonymous” to "
                                               "record it on the case, or leave the reference empty."))
        return cleaned


class _GoalFields(forms.Form):
    what = _text(_("Goal"), rows=3, required=True, error_messages={"required": _("Say what the goal is.")})
    by_when = _date(_("By when"), error_messages={
        "required": _("Give the goal a target date: a goal without a date cannot be followed up.")})
    how_we_know = _text(_("How we will know"), rows=3, required=True,
                        error_messages={"required": _("Say how you will know that the goal is met.")})


class GoalForm(_GoalFields):
    def __init__(self, *args: Any, lines: list[GoalLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = {line.key: line for line in lines}
        if lines:
            self.fields["from_line"] = forms.ChoiceField(
                label=_("Carry on a line of the Balanced Risk Assessment"), required=False,
                widget=forms.RadioSelect,
                choices=[("", _("None: write the goal yourself")),
                         *[(line.key, f"{line.text} ({line.assessment.assessed_on:%Y-%m-%d})") for line in lines]],
                help_text=_("The goals and next steps of the signed assessments of this case. The line you pick "
                            "becomes the goal if you leave “Goal” empty."))
            self.fields["what"].required = False
            self.order_fields(["from_line", "what", "by_when", "how_we_know"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        line = self.lines.get(cleaned.get("from_line") or "")
        cleaned["from_assessment"] = line.assessment.pk if line else None
        if line is not None and not (cleaned.get("what") or "").strip():
            cleaned["what"] = line.text
        if not (cleaned.get("what") or "").strip() and "what" not in self.errors:
            self.add_error("what", _("Say what the goal is."))
        return cleaned


class GoalEditForm(_GoalFields):
    status = forms.ChoiceField(label=_("Status"), choices=Goal.Status.choices, widget=forms.RadioSelect)

    field_order = ["status", "what", "by_when", "how_we_know"]


class SessionForm(forms.Form):
    held_on = _date(_("Date"))
    duration_minutes = _duration()
    mode = forms.ChoiceField(label=_("How you met"), choices=Session.Mode.choices, widget=forms.RadioSelect,
                             initial=Session.Mode.MEETING)
    with_person = forms.BooleanField(label=_("The person took part"), required=False, initial=True)
    family = forms.CharField(label=_("Family members who took part"), required=False, max_length=300)
    network = forms.MultipleChoiceField(label=_("Network members who took part"), required=False,
                                        widget=forms.CheckboxSelectMultiple)
    professionals = forms.CharField(label=_("Professionals who took part"), required=False, max_length=300)
    goals = forms.MultipleChoiceField(label=_("Goals worked on"), required=False, widget=forms.CheckboxSelectMultiple)
    notes = _text(_("Notes"), rows=6)
    compartment = forms.ChoiceField(label=_("Compartment of the notes"),
                                    help_text=_("Who on the team may read the notes of this session."))
    next_appointment = _date(_("Next appointment"), required=False)

    def __init__(self, *args: Any, compartments: Iterable[str], goals: list[Goal], network: list[NetworkMember],
                 **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("held_on", timezone.localdate())
        initial.setdefault("compartment", Compartment.GENERAL.value)
        super().__init__(*args, **kwargs)
        self.fields["compartment"].choices = _compartment_choices(compartments)  # type: ignore[attr-defined]
        self.fields["goals"].choices = [(str(g.pk), g.what) for g in goals]  # type: ignore[attr-defined]
        # The service checks again that each is of this case's person.
        self.fields["network"].choices = [(str(m.pk), str(m)) for m in network]  # type: ignore[attr-defined]
        if not network:
            del self.fields["network"]
        if not goals:
            del self.fields["goals"]

    def clean_goals(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data.get("goals") or []]

    def clean_network(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data.get("network") or []]


class EndForm(forms.Form):
    ended_on = _date(_("Ended on"))
    outcome = forms.ChoiceField(label=_("Outcome"),
                                choices=[("", _("Choose the outcome")),
                                         *[(v, label) for v, label in Outcome.choices if v != Outcome.ADVICE_GIVEN]])
    outcome_reason = _text(_("Reason"), help_text=_("Why the intervention ends. The case timeline shows it."),
                           required=True, error_messages={"required": _("Say why the intervention ends.")})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("ended_on", timezone.localdate())
        super().__init__(*args, **kwargs)
