"""The form of a recurring requirement. It turns what the browser sent into the service's
arguments; the rules and their messages (interval 1–120 months, at least one kind of course,
reminder 0–365 days) are in services/requirements.py, whose refusals the views put back at the
fields."""

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from infohus.accounts.models import Organisation
from infohus.accounts.roles import Role
from infohus.training.models import CourseKind, Requirement
from infohus.training.services.requirements import (
    MAX_INTERVAL,
    MAX_PEOPLE,
    MAX_REMIND,
    MIN_INTERVAL,
    MIN_PEOPLE,
    MIN_REMIND,
    RequirementData,
)


def _number(low: int, high: int) -> forms.NumberInput:
    # The bounds help the browser's number field; the service says why a number is refused.
    return forms.NumberInput(attrs={"min": low, "max": high, "inputmode": "numeric"})


class RequirementForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200,
                           help_text=_("For example: “Resource persons in prison and probation institutions”."))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    role = forms.ChoiceField(label=_("Applies to people in the role"))
    organisation_kind = forms.ChoiceField(label=_("In organisations of the kind"))
    minimum_per_organisation = forms.IntegerField(
        label=_("People needed in each organisation"), initial=1, widget=_number(MIN_PEOPLE, MAX_PEOPLE),
        help_text=_("An organisation of that kind with fewer people in the role is listed as lacking them. "
                    "0: no minimum."))
    satisfied_by = forms.MultipleChoiceField(
        label=_("Satisfied by completing"), required=False, choices=CourseKind.choices,
        widget=forms.CheckboxSelectMultiple, help_text=_("Completing a run of any of these kinds of course counts."))
    interval_months = forms.IntegerField(
        label=_("Every (months)"), initial=6, widget=_number(MIN_INTERVAL, MAX_INTERVAL),
        help_text=_("Calendar months after the latest completion, from 1 to 120."))
    remind_days_before = forms.IntegerField(
        label=_("Remind (days before the due date)"), initial=30, widget=_number(MIN_REMIND, MAX_REMIND),
        help_text=_("An e-mail goes to each person once, this many days before their due date (0 to 365)."))
    is_active = forms.BooleanField(label=_("Active (checked and reminded)"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, requirement: Requirement | None = None, **kwargs: Any) -> None:
        if requirement is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(requirement)
        super().__init__(*args, **kwargs)
        self.editing = requirement is not None
        self.fields["role"].choices = [("", _("Choose a role")), *Role.choices]  # type: ignore[attr-defined]
        self.fields["organisation_kind"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a kind of organisation")), *Organisation.Kind.choices]
        if not self.editing:
            del self.fields["is_active"], self.fields["version"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # A hidden field's own error would not show; say it above the form instead.
        if self.editing and cleaned.get("version") is None:
            self.add_error(None, gettext("The form was incomplete. Open the requirement again and make your change."))
        return cleaned

    @staticmethod
    def initial_for(requirement: Requirement) -> dict[str, Any]:
        return {"name": requirement.name, "description": requirement.description, "role": requirement.role,
                "organisation_kind": requirement.organisation_kind,
                "minimum_per_organisation": requirement.minimum_per_organisation,
                "satisfied_by": list(requirement.satisfied_by), "interval_months": requirement.interval_months,
                "remind_days_before": requirement.remind_days_before, "is_active": requirement.is_active,
                "version": requirement.version}

    def data_for_service(self) -> RequirementData:
        d = self.cleaned_data
        return RequirementData(
            name=d["name"], description=d.get("description", ""), role=d["role"],
            organisation_kind=d["organisation_kind"], minimum_per_organisation=d["minimum_per_organisation"],
            satisfied_by=tuple(d.get("satisfied_by") or ()), interval_months=d["interval_months"],
            remind_days_before=d["remind_days_before"], is_active=bool(d.get("is_active", True)))
