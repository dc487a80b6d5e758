"""The form of a catalogue entry. The rules and their messages are in services/courses.py; the
form turns what the browser sent into the service's arguments."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from infohus.accounts.models import Organisation
from infohus.training.models import Course, CourseKind, UnitKind
from infohus.training.services.courses import KIND_DEFAULTS, CourseData


class CourseForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Kept by"), queryset=Organisation.objects.none(),
                                          empty_label=None,
                                          help_text=_("The organisation whose trainers keep the course and its runs."))
    kind = forms.ChoiceField(label=_("Kind of course"), choices=CourseKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200,
                            error_messages={"required": _("Give the course a title.")})
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text=_("Who the course is for and what it covers."))
    units = forms.IntegerField(label=_("Days, blocks or sessions"), min_value=1, max_value=30,
                               error_messages={"min_value": _("Give from 1 to 30 days, blocks or sessions."),
                                               "max_value": _("Give from 1 to 30 days, blocks or sessions.")},
                               help_text=_("How many times attendance is taken: for example 2 days, 3 blocks or "
                                           "1 session (1 to 30)."))
    unit_kind = forms.ChoiceField(label=_("Attendance is taken per"), choices=UnitKind.choices)
    duration = forms.CharField(label=_("Duration"), max_length=60, required=False,
                               help_text=_("As the catalogue says it, for example “2–5 days” or “1.5 hours”."))
    is_active = forms.BooleanField(label=_("Offered"), required=False, initial=True,
                                   help_text=_("A course no longer offered stays in the catalogue with its runs; no "
                                               "new run can be planned."))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, organisations: Any = None, course: Course | None = None,
                 kind: str = "", **kwargs: Any) -> None:
        if course is not None:
            kwargs.setdefault("initial", {
                "kind": course.kind, "title": course.title, "description": course.description, "units": course.units,
                "unit_kind": course.unit_kind, "duration": course.duration, "is_active": course.is_active,
                "version": course.version})
        elif kind in KIND_DEFAULTS:
            defaults = KIND_DEFAULTS[kind]
            kwargs.setdefault("initial", {"kind": kind, "units": defaults.units, "unit_kind": defaults.unit_kind,
                                          "duration": str(defaults.duration), "is_active": True})
        super().__init__(*args, **kwargs)
        if course is not None:
            del self.fields["organisation"]
            self.fields["version"].required = True
        else:
            del self.fields["version"]
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    def data_for_service(self) -> CourseData:
        d = self.cleaned_data
        return CourseData(kind=d["kind"], title=d["title"], units=d["units"], unit_kind=d["unit_kind"],
                          description=d.get("description", ""), duration=d.get("duration", ""),
                          is_active=bool(d.get("is_active")))


class StartFromKindForm(forms.Form):
    """A GET form on the catalogue: a new course that starts from the defaults of its kind."""

    kind = forms.ChoiceField(label=_("Kind of course"), choices=CourseKind.choices)
