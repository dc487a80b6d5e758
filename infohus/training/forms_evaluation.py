"""Forms of the evaluation pages: the questionnaire of a run, and the period and kind of the cost
report. The answers themselves are rendered and read by the assessments app's AnswersForm."""

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from infohus.assessments.models import InstrumentVersion
from infohus.training.models import CourseKind


class QuestionnaireForm(forms.Form):
    """Which course evaluation the participants answer before and after. It carries the run's
    version, so a change made meanwhile by someone else is not overwritten unseen."""

    questionnaire = forms.TypedChoiceField(label=_("Questionnaire"), coerce=int, required=False, empty_value=None,
                                           help_text=_("Only published course evaluations are offered. Once a "
                                                       "participant has answered, it can no longer be changed."))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, versions: list[InstrumentVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.versions = {v.pk: v for v in versions}
        field = self.fields["questionnaire"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("No questionnaire")), *[
            (v.pk, gettext("%(name)s (version %(number)d)") % {"name": v.instrument.name, "number": v.number})
            for v in versions]]

    def chosen(self) -> InstrumentVersion | None:
        pk = self.cleaned_data.get("questionnaire")
        return self.versions.get(pk) if pk is not None else None


def current_year(today: date) -> tuple[date, date]:
    return date(today.year, 1, 1), date(today.year, 12, 31)


class CostReportForm(forms.Form):
    """The runs that start in a period (GET: ?from=…&to=…&kind=…); the period defaults to this year."""

    kind = forms.ChoiceField(label=_("Kind of course"), required=False,
                             choices=[("", _("All kinds")), *CourseKind.choices])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a keyword in Python, so the date fields are added by name.
        self.fields["from"] = forms.DateField(label=_("Runs starting from"),
                                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        self.fields["to"] = forms.DateField(label=_("Up to and including"),
                                            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        self.order_fields(["from", "to", "kind"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("from"), cleaned.get("to")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            self.add_error("to", gettext("The end of the period cannot be before its start."))
        return cleaned
