"""Forms of Info-house triage. They check input and give messages; the services decide."""

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from infohus.accounts.models import Organisation, User
from infohus.accounts.roles import Compartment
from infohus.cases import identifiers
from infohus.cases.models import Concern, LegalBasis, Person, TriageDecision, TriageMeeting
from infohus.cases.services import triage as services
from infohus.directory.models import Project
from infohus.directory.selectors import published_projects

IDENTIFIER_COUNTRIES = [
    ("DK", _("Denmark (CPR number)")),
    ("SE", _("Sweden")),
    ("NO", _("Norway")),
    ("DE", _("Germany")),
    ("XX", _("Another country")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _municipalities() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY, is_active=True).order_by("name")


class PersonSearchForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DateInput())
    identifier_country = forms.ChoiceField(label=_("Country of the identifier"), choices=IDENTIFIER_COUNTRIES,
                                           initial="DK", required=False)
    identifier = forms.CharField(label=_("National identifier"), max_length=32, required=False,
                                 help_text=_("For Denmark a CPR number, DDMMYY-SSSS."))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("name", "").strip() or data.get("birth_date") or data.get("identifier", "").strip()):
            raise ValidationError(_("Give a name, a birth date or an identifier to search for."))
        if data.get("identifier", "").strip():
            try:
                identifiers.validate(data.get("identifier_country") or "DK", data["identifier"])
            except ValidationError as error:
                self.add_error("identifier", error)
        return data


def initial_from_search(data: Mapping[str, str]) -> dict[str, str]:
    """The new record's form started from a search: the first word of the name is taken as the
    first name and the rest as the last name; a birth date only when it is a date."""
    first, _space, last = data.get("name", "").strip().partition(" ")
    initial = {"first_name": first[:100], "last_name": last.strip()[:100]}
    birth_date = data.get("birth_date", "")
    if birth_date:
        try:
            initial["birth_date"] = date.fromisoformat(birth_date).isoformat()
        except ValueError:
            pass
    return {key: value for key, value in initial.items() if value}


class PersonForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DateInput())
    identifier_country = forms.ChoiceField(label=_("Country of the identifier"), choices=IDENTIFIER_COUNTRIES,
                                           initial="DK")
    identifier = forms.CharField(label=_("National identifier"), max_length=32, required=False,
                                 help_text=_("For Denmark a CPR number, DDMMYY-SSSS. Stored encrypted."))
    gender = forms.ChoiceField(label=_("Gender"), choices=Person.Gender.choices, initial=Person.Gender.UNKNOWN)
    municipality = forms.ModelChoiceField(label=_("Municipality"), queryset=Organisation.objects.none(),
                                          required=False)
    languages = forms.CharField(label=_("Languages"), max_length=200, required=False)
    phone = forms.CharField(label=_("Telephone"), max_length=32, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    address = forms.CharField(label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = _municipalities()  # type: ignore[attr-defined]

    def clean_birth_date(self) -> Any:
        birth_date = self.cleaned_data.get("birth_date")
        services.check_birth_date(birth_date)
        return birth_date

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("identifier", "").strip() and "birth_date" not in self.errors:
            try:
                data["identifier"] = services.check_identifier(data.get("identifier_country") or "DK",
                                                               data["identifier"], data.get("birth_date"))
            except ValidationError as error:
                self.add_error("identifier", error)
        return data


def _concern_label(concern: Concern) -> str:
    return f"{concern.reference}{' — ' + str(_('urgent')) if concern.urgent else ''}"


def _meeting_label(meeting: TriageMeeting) -> str:
    when = formats.date_format(timezone.localtime(meeting.scheduled_for), "SHORT_DATETIME_FORMAT")
    return f"{when}, {meeting.place}" if meeting.place else when


def _offer(field: forms.Field, options: list[Any] | None, label: Callable[[Any], str]) -> None:
    """Show the options already read by the view, so that rendering the select asks the database
    nothing more. The choice is still checked against the field's queryset."""
    field.label_from_instance = label  # type: ignore[attr-defined]
    if options is not None:
        field.choices = [("", "---------"), *((option.pk, label(option)) for option in options)]  # type: ignore[attr-defined]


class MeetingForm(forms.Form):
    scheduled_for = forms.DateTimeField(label=_("Date and time"), widget=DateTimeInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    concerns = forms.ModelMultipleChoiceField(label=_("Concerns on the agenda"), queryset=Concern.objects.none(),
                                              required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, agenda: QuerySet[Concern], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["concerns"]
        field.queryset = agenda  # type: ignore[attr-defined]
        field.label_from_instance = _concern_label  # type: ignore[attr-defined]


class AgendaConcernForm(forms.Form):
    """From the meeting's page: one more open concern of the Info house for its agenda."""

    concern = forms.ModelChoiceField(label=_("Concern to add"), queryset=Concern.objects.none())

    def __init__(self, *args: Any, candidates: QuerySet[Concern], options: list[Concern] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["concern"].queryset = candidates  # type: ignore[attr-defined]
        _offer(self.fields["concern"], options, _concern_label)


class AgendaMeetingForm(forms.Form):
    """From the concern's page: an upcoming meeting to put the concern on."""

    meeting = forms.ModelChoiceField(label=_("Upcoming triage meeting"), queryset=TriageMeeting.objects.none())

    def __init__(self, *args: Any, meetings: QuerySet[TriageMeeting], options: list[TriageMeeting] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]
        _offer(self.fields["meeting"], options, _meeting_label)


class AttendeeForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    role = forms.CharField(label=_("Role"), max_length=100, help_text=_("For example police coordinator, SSP "
                                                                         "consultant, psychiatry liaison."))
    name = forms.CharField(label=_("Name"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            is_active=True).order_by("name")


class DisclosureForm(forms.Form):
    meeting = forms.ModelChoiceField(label=_("At the meeting"), queryset=TriageMeeting.objects.none(),
                                     required=False)
    from_organisation = forms.ModelChoiceField(label=_("Shared by"), queryset=Organisation.objects.none())
    to_organisation = forms.ModelChoiceField(label=_("Shared with"), queryset=Organisation.objects.none(),
                                             required=False, help_text=_("Leave empty for everyone in the meeting."))
    summary = forms.CharField(label=_("What was shared"), widget=forms.Textarea(attrs={"rows": 4}))
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=LegalBasis.choices, widget=forms.RadioSelect)
    other_law = forms.CharField(label=_("The law, if another"), max_length=200, required=False,
                                help_text=_("For example the Social Services Act, with its section."))
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 2}))
    compartment = forms.ChoiceField(label=_("Compartment"), choices=Compartment.choices)
    crime_prevention = forms.BooleanField(
        label=_("The information was shared for crime prevention, not for a criminal investigation"),
        help_text=_("Section 115 of the Administration of Justice Act does not allow sharing for an investigation."),
    )

    def __init__(self, *args: Any, meetings: QuerySet[TriageMeeting], compartments: frozenset[str],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = Organisation.objects.filter(is_active=True).order_by("name")
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]
        self.fields["from_organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["to_organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["compartment"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in Compartment.choices if value in compartments]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("legal_basis") == LegalBasis.OTHER_LAW and not data.get("other_law", "").strip():
            self.add_error("other_law", _("Name the law under which the information was shared."))
        return data


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Decision"), choices=TriageDecision.Kind.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}))
    decided_on = forms.DateField(label=_("Date of the decision"), widget=DateInput())
    meeting = forms.ModelChoiceField(label=_("At the meeting"), queryset=TriageMeeting.objects.none(), required=False)
    referred_project = forms.ModelChoiceField(
        label=_("Project referred to"), queryset=Project.objects.none(), required=False,
        help_text=_("For a referral: a published project of the directory."))
    owner = forms.ModelChoiceField(label=_("Municipality that owns the case"), queryset=Organisation.objects.none(),
                                   required=False, help_text=_("For a statutory offer."))
    lead = forms.ModelChoiceField(label=_("Lead of the case"), queryset=User.objects.none(), required=False,
                                  help_text=_("For a statutory offer: someone who manages cases in that "
                                              "municipality."))

    def __init__(self, *args: Any, meetings: QuerySet[TriageMeeting], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("decided_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]
        self.fields["referred_project"].queryset = published_projects().order_by("title")  # type: ignore[attr-defined]
        self.fields["owner"].queryset = _municipalities()  # type: ignore[attr-defined]
        self.fields["lead"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=services.case_leads().values("user_id")).order_by("first_name", "last_name")
        self.fields["lead"].label_from_instance = lambda user: (  # type: ignore[attr-defined]
            user.get_full_name() or user.get_username())

    def clean_decided_on(self) -> Any:
        decided_on = self.cleaned_data["decided_on"]
        if decided_on > timezone.localdate():
            raise ValidationError(_("The date of the decision cannot be in the future."))
        return decided_on

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == TriageDecision.Kind.REFERRAL and not data.get("referred_project"):
            self.add_error("referred_project", _("A referral needs a published project from the directory."))
        if kind == TriageDecision.Kind.STATUTORY_OFFER:
            if not data.get("owner"):
                self.add_error("owner", _("A statutory offer needs the municipality that will own the case."))
            if not data.get("lead"):
                self.add_error("lead", _("A statutory offer needs the case's lead."))
            elif data.get("owner") and not services.case_leads(data["owner"]).filter(user=data["lead"]).exists():
                self.add_error("lead", _("The lead must be someone who manages cases in the owning municipality."))
        return data
