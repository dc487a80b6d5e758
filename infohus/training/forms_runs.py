"""Forms of the run pages: a run with the dates of its days or blocks, and the enrolment of a
platform user or an external participant. The rules (and their messages) are in services/runs.py;
the forms turn what the browser sent into the services' arguments."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from infohus.accounts.models import Organisation
from infohus.training.models import Course, CourseRun
from infohus.training.selectors.runs import unit_name
from infohus.training.services.runs import ExternalParticipant, RunData


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _PersonChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.get_username()})" if name else obj.get_username()


class RunForm(forms.Form):
    starts_on = forms.DateField(label=_("First day"), widget=_date_input())
    ends_on = forms.DateField(label=_("Last day"), widget=_date_input())
    place = forms.CharField(label=_("Place"), max_length=200, required=False,
                            help_text=_("Where the run is held, for example an address or “online”."))
    trainers = _PersonChoice(label=_("Trainers"), queryset=None, required=False,
                             widget=forms.CheckboxSelectMultiple,
                             help_text=_("People with a training role in the organisation that keeps the course."))
    capacity = forms.IntegerField(label=_("Places"), help_text=_("How many participants can be enrolled."))
    cost = forms.DecimalField(label=_("Cost (DKK)"), max_digits=12, decimal_places=2, initial=Decimal(0),
                              help_text=_("The whole cost of the run, in Danish kroner."))
    cost_note = forms.CharField(label=_("What the cost covers"), max_length=200, required=False,
                                help_text=_("For example: room, meals, trainers' travel."))
    status = forms.ChoiceField(label=_("Status"), choices=CourseRun.Status.choices,
                               help_text=_("A run becomes held when it is completed from its page."))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, course: Course, trainers: Any, run: CourseRun | None = None,
                 unit_dates: list[Any] | None = None, **kwargs: Any) -> None:
        if run is not None:
            kwargs.setdefault("initial", {
                "starts_on": run.starts_on, "ends_on": run.ends_on, "place": run.place,
                "trainers": list(run.trainers.values_list("pk", flat=True)), "capacity": run.capacity,
                "cost": run.cost, "cost_note": run.cost_note, "status": run.status, "version": run.version,
                **{f"unit_{n}": day for n, day in enumerate(unit_dates or [], start=1)}})
        super().__init__(*args, **kwargs)
        self.course = course
        self.fields["trainers"].queryset = trainers  # type: ignore[attr-defined]
        if run is None:
            del self.fields["status"]
            del self.fields["version"]
        for number in range(1, course.units + 1):
            self.fields[f"unit_{number}"] = forms.DateField(
                label=unit_name(course.unit_kind, number), required=False, widget=_date_input(),
                help_text=_("Leave every date empty for the defaults: consecutive days from the first day "
                            "(blocks spread from the first day to the last).") if number == 1 and run is None
                else "")

    def unit_fields(self) -> list[str]:
        return [f"unit_{n}" for n in range(1, self.course.units + 1)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        names = self.unit_fields()
        given = [name for name in names if cleaned.get(name)]
        if given and len(given) != len(names):
            for name in names:
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, gettext("Give a date here too, or leave all the dates empty for the "
                                                 "defaults."))
        return cleaned

    def data_for_service(self) -> RunData:
        d = self.cleaned_data
        dates = [d.get(name) for name in self.unit_fields()]
        return RunData(
            starts_on=d["starts_on"], ends_on=d["ends_on"], capacity=d["capacity"], cost=d["cost"],
            place=d.get("place", ""), cost_note=d.get("cost_note", ""), trainers=tuple(d.get("trainers") or ()),
            unit_dates=tuple(day for day in dates if day is not None) if any(dates) else None,
            status=d.get("status") or CourseRun.Status.PLANNED)


class EnrolUserForm(forms.Form):
    prefix = "user"
    participant = forms.CharField(label=_("Username or e-mail address"), max_length=254,
                                  help_text=_("Someone with an account on the platform."))
    organisation = forms.ModelChoiceField(
        label=_("Enrolled for the organisation"), required=False, queryset=Organisation.objects.none(),
        empty_label=_("Their first organisation on the platform"),
        help_text=_("Choose one of their organisations if they have several; it gives the kind of organisation "
                    "in the reports."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (  # type: ignore[attr-defined]
            Organisation.objects.filter(is_active=True).order_by("name"))


class EnrolExternalForm(forms.Form):
    prefix = "external"
    name = forms.CharField(label=_("Name"), max_length=200)
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200)
    organisation_kind = forms.ChoiceField(label=_("Kind of organisation"), choices=Organisation.Kind.choices)
    email = forms.EmailField(label=_("E-mail address"), required=False)

    def participant(self) -> ExternalParticipant:
        d = self.cleaned_data
        return ExternalParticipant(name=d["name"], organisation_name=d["organisation_name"],
                                   organisation_kind=d["organisation_kind"], email=d.get("email", ""))
