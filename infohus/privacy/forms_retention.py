"""Forms of the retention pages: a rule's period, placing a legal hold, lifting one. They turn
what the browser sent into the services' arguments; the rules and their messages (the legal
minimum, a person who exists) are in services/rules.py and services/holds.py."""

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from infohus.privacy.retention import MAXIMUM_MONTHS
from infohus.privacy.selectors.retention import Rule


class RuleForm(forms.Form):
    months = forms.IntegerField(label=_("Kept for (months)"), widget=forms.NumberInput(
        attrs={"min": 0, "max": MAXIMUM_MONTHS, "inputmode": "numeric"}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, rule: Rule, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"months": rule.months, "version": rule.version})
        super().__init__(*args, **kwargs)
        self.fields["months"].help_text = gettext(
            "Calendar months after: %(clock)s The law requires at least %(minimum)d months.") % {
            "clock": rule.kind.clock, "minimum": rule.minimum}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # A hidden field's own error would not show; say it above the form instead.
        if cleaned.get("version") is None:
            self.add_error(None, gettext("The form was incomplete. Open the rule again and make your change."))
        return cleaned


class HoldForm(forms.Form):
    person = forms.IntegerField(label=_("Record number of the person"), min_value=1,
                                help_text=_("The number shown on the person's subject access page."))
    reason = forms.CharField(label=_("Why everything about the person must be kept"),
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("For example: a complaint to the Data Protection Agency, a court case."))
    reference = forms.CharField(label=_("Reference (complaint, court case)"), required=False, max_length=100)


class LiftForm(forms.Form):
    lift_reason = forms.CharField(label=_("Why the hold is lifted"), widget=forms.Textarea(attrs={"rows": 3}))
