"""The forms of the token and integration pages. The rules (which scopes exist, how long a token
may live, which roles an integration may take) are in services.py; these turn what the browser
sent into the service's arguments."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from infohus.accounts.models import Membership, Organisation
from infohus.api.scopes import Scope
from infohus.api.services import INTEGRATION_ROLES

# The areas of the API, in the order of the desk's work; each has a read and (mostly) a write scope.
AREAS = {
    "concerns": _("Concerns"),
    "triage": _("Triage"),
    "cases": _("Cases"),
    "assessments": _("Assessments"),
    "interventions": _("Interventions"),
    "lending": _("Lending"),
    "training": _("Training"),
    "community": _("Community work"),
    "statistics": _("Statistics"),
}
DEFAULT_DAYS = 30


def _area_of(scope: str) -> str:
    return scope.partition(":")[0]


class ScopesForm(forms.Form):
    """A token's name, scopes (one group of checkboxes per area: read, write) and lifetime."""

    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("What the token is for, so that you know it again: for example "
                                       "“weekly export script”."),
                           error_messages={"required": _("Give the token a name.")})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for area, label in AREAS.items():
            choices = [(s.value, s.label) for s in Scope if _area_of(s.value) == area]
            self.fields[f"scopes_{area}"] = forms.MultipleChoiceField(
                label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple)
        most = settings.API_TOKEN_MAX_DAYS
        self.fields["days"] = forms.IntegerField(
            label=_("Lifetime in days"), min_value=1, max_value=most, initial=min(DEFAULT_DAYS, most),
            help_text=_("The token stops working after this many days (at most %(days)s).") % {"days": most},
            error_messages={"min_value": _("Give from 1 to %(days)s days.") % {"days": most},
                            "max_value": _("Give from 1 to %(days)s days.") % {"days": most}})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.scopes():
            raise forms.ValidationError(_("Choose at least one scope."))
        return cleaned

    def scopes(self) -> list[str]:
        return sorted({s for area in AREAS for s in self.cleaned_data.get(f"scopes_{area}", [])})


class TokenForm(ScopesForm):
    """A personal token: which of the person's active memberships it acts in."""

    def __init__(self, *args: Any, memberships: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["membership"] = forms.TypedChoiceField(
            label=_("Acts as"), coerce=int, choices=[(m.pk, f"{m.get_role_display()}, {m.organisation}")
                                                     for m in memberships],
            initial=memberships[0].pk if memberships else None,
            help_text=_("The role and organisation the token works in, as if you had chosen it with “Act as”."))
        self.order_fields(["name", "membership"])
        self._memberships = {m.pk: m for m in memberships}

    def membership(self) -> Membership:
        return self._memberships[self.cleaned_data["membership"]]


class IntegrationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120,
                           help_text=_("The system that will call, for example “Aarhus case system”."),
                           error_messages={"required": _("Give the integration a name.")})
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("What it does with the API and who looks after it."))
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        help_text=_("The organisation the integration works for."),
        error_messages={"required": _("Choose the organisation the integration works for.")})
    role = forms.ChoiceField(label=_("Role"), choices=[(r.value, r.label) for r in INTEGRATION_ROLES],
                             help_text=_("Its service account acts in this role, with the same permissions and "
                                         "need-to-know as a person in it."))
